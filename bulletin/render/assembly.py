"""Chunk PDFs laid out apart -> one PDF: pages, bookmarks, named destinations, links and one structure tree."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, OutlineItem

from .subsets import merge_subsets

# What the catalog of the first chunk says for the whole document (WeasyPrint writes the same in each).
CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")


@dataclass
class Layout:
    """What a chunk's layout tells the next step: its pages and where its anchors landed (0-based pages)."""

    pages: int
    anchors: dict[str, int]


def _destinations(pdf: pikepdf.Pdf) -> dict[str, Array]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(name): dest for name, dest in NameTree(names.Dests).items()}


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def parse_layout(data: bytes) -> Layout:
    """Page count and anchor pages of a chunk's PDF, every named destination counted as an anchor."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = _page_index(pdf)
        anchors = {name: index[dest[0].objgen] for name, dest in _destinations(pdf).items()
                   if isinstance(dest, Array) and dest[0].objgen in index}
        return Layout(len(pdf.pages), anchors)


def read_layout(data: bytes, borrowed: frozenset[str] = frozenset(), known: Layout | None = None) -> Layout:
    """A chunk's layout with a link's stand-in (``borrowed``) not counted as an anchor. ``known``: the
    chunk's parse_layout, made where it was laid out or kept in the cache beside it (else parsed here)."""
    known = known or parse_layout(data)
    return Layout(known.pages, {name: page for name, page in known.anchors.items() if name not in borrowed})


def _copy_outline(items, target: list, page_of, out: pikepdf.Pdf) -> None:
    for item in items:
        copy = OutlineItem(item.title)
        dest = item.destination
        if isinstance(dest, Array) and len(dest) and dest[0].objgen in page_of:
            copy.destination = Array([out.pages[page_of[dest[0].objgen]].obj, *list(dest)[1:]])
        copy.is_closed = item.is_closed
        _copy_outline(item.children, copy.children, page_of, out)
        target.append(copy)


FOLIO_PREFIX = "Folio"


def lay_folio(out: pikepdf.Pdf, folio: pikepdf.Pdf) -> None:
    """Each page gets the drawing of the folio page of its number appended to its own, marked as an artifact
    (pagination is not content, PDF/UA 7.8); its resources join the page's under a prefix of their own.
    The page's own drawing is wrapped in q/Q so that it cannot leak its coordinate transform."""
    renamed: dict[str, Name] = {}
    resources: dict[str, dict[str, object]] = {}
    for numbered in folio.pages:
        for category, entries in numbered.obj.get("/Resources", Dictionary()).items():
            for name, value in entries.items():
                renamed[name] = Name("/" + FOLIO_PREFIX + name[1:])
                if name not in resources.setdefault(category, {}):
                    resources[category][name] = _copy(out, value)
    for page, numbered in zip(out.pages, folio.pages):
        operations = [pikepdf.ContentStreamInstruction(
                          [renamed.get(str(o), o) if isinstance(o, Name) else o for o in instruction.operands],
                          instruction.operator)
                      for instruction in pikepdf.parse_content_stream(numbered)]
        own = page.obj.get("/Resources")
        if own is None:
            own = page.obj.Resources = Dictionary()
        for category, entries in resources.items():
            if category not in own:
                own[category] = Dictionary()
            for name, value in entries.items():
                own[category][renamed[name]] = value
        drawing = b"Q\n/Artifact BMC\nq\n" + pikepdf.unparse_content_stream(operations) + b"\nQ\nEMC\n"
        page.contents_add(pikepdf.Stream(out, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(out, drawing))


def assemble(chunks: list[tuple[bytes, frozenset[str]]], folio: bytes | None = None,
             version: str | None = None) -> bytes:
    """Concatenate the chunks' pages in order. Each chunk's structure elements, ParentTree entries, page
    StructParents and annotation StructParent keys are renumbered into one tree; bookmarks and named
    destinations are re-pointed at the merged pages; a link's stand-in destination gives way to the real one."""
    out = pikepdf.new()
    try:
        document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
        document.P = root
        page_entries, annotation_entries, outline = [], [], []
        destinations: dict[str, Array] = {}
        stand_ins: set[str] = set()
        tagged = False
        catalog, docinfo = {}, None
        for data, borrowed in chunks:
            # One chunk open at a time: what it brings is copied into ``out``, then its objects are freed
            # (qpdf holds ~1.5 KB per object: all the chunks of 300 entries open at once took ~90 MB)
            with pikepdf.open(io.BytesIO(data)) as source:
                first = len(out.pages)
                with warnings.catch_warnings():  # named destinations are merged below, by name
                    warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning if hasattr(
                        pikepdf.exceptions, "PageCopyWarning") else UserWarning)
                    out.pages.extend(source.pages)  # copied once; every later copy_foreign from ``source`` reuses them
                page_of = {page.obj.objgen: first + i for i, page in enumerate(source.pages)}
                tree = source.Root.get("/StructTreeRoot")
                if tree is not None:
                    tagged = True
                    parents = dict(NumberTree(tree.ParentTree).items()) if "/ParentTree" in tree else {}
                    for kid in _kids(tree):  # the chunk's /Document element: its children join ours
                        for element in _kids(kid) if kid.get("/S") == Name.Document else [kid]:
                            copied = _copy(out, element)
                            copied.P = document
                            document.K.append(copied)
                    for offset, page in enumerate(source.pages):
                        merged = out.pages[first + offset].obj
                        key = page.obj.get("/StructParents")
                        if key is not None and int(key) in parents:
                            merged.StructParents = first + offset
                            page_entries.append((first + offset, _copy(out, parents[int(key)])))
                        for annotation in merged.get("/Annots", []):
                            key = annotation.get("/StructParent")
                            if key is not None and int(key) in parents:
                                annotation_entries.append((annotation, _copy(out, parents[int(key)])))
                for name, dest in _destinations(source).items():
                    if not (isinstance(dest, Array) and len(dest) and dest[0].objgen in page_of):
                        continue
                    real = name not in borrowed  # a stand-in only serves when no chunk has the real anchor
                    # the first real one wins, as in one document
                    if name not in destinations or (real and name in stand_ins):
                        merged_dest = Array([out.pages[page_of[dest[0].objgen]].obj, *list(dest)[1:]])
                        destinations[name] = merged_dest
                        if not real:
                            stand_ins.add(name)
                        else:
                            stand_ins.discard(name)
                with source.open_outline() as chunk_outline:
                    _copy_outline(chunk_outline.root, outline, page_of, out)
                if docinfo is None:  # the first chunk's catalog speaks for the whole document
                    catalog = {key: _copy(out, source.Root[key]) for key in CATALOG_KEYS if key in source.Root}
                    docinfo, version = _copy(out, source.docinfo), version or source.pdf_version
        nums = NumberTree.new(out)
        for key, entry in page_entries:
            nums[key] = entry
        next_key = len(out.pages)
        for annotation, element in annotation_entries:
            annotation.StructParent = next_key
            nums[next_key] = element
            next_key += 1
        if tagged:
            root.ParentTree = nums.obj
            root.ParentTreeNextKey = next_key
            out.Root.StructTreeRoot = root
        names = NameTree.new(out)
        for name in sorted(destinations):
            names[name] = destinations[name]
        out.Root.Names = Dictionary(Dests=names.obj)
        with out.open_outline() as merged_outline:
            merged_outline.root.extend(outline)
        if folio is not None:
            with pikepdf.open(io.BytesIO(folio)) as numbers:
                lay_folio(out, numbers)
        for key, value in catalog.items():
            out.Root[key] = value
        out.docinfo = docinfo
        merge_subsets(out)  # each chunk brought its own subset of every font: one of each is enough
        buffer = io.BytesIO()
        out.save(buffer, min_version=version, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()
    finally:
        out.close()


def _copy(out: pikepdf.Pdf, obj):
    """copy_foreign takes only indirect objects; a direct array or dictionary is rebuilt around copies."""
    if isinstance(obj, (Array, Dictionary)) and not obj.is_indirect:
        if isinstance(obj, Array):
            return Array([_copy(out, item) for item in obj])
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    return obj


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


-- Many entry bodies -> one AST, each body read as a document of its own (pandoc filter).
-- parse_bodies sends a JSON document whose blocks are Divs holding one RawBlock of Markdown each;
-- reading each body separately keeps its reference links, footnotes and fences to itself,
-- while the whole month still costs one pandoc process.

function Pandoc(doc)
  local reader = pandoc.utils.stringify(doc.meta["bulletin-reader"])
  doc.meta["bulletin-reader"] = nil
  -- Only the top-level Divs: what a body itself contains is never read a second time.
  for _, div in ipairs(doc.blocks) do
    local raw = div.content[1]
    if div.t == "Div" and #div.content == 1 and raw.t == "RawBlock" and raw.format == "markdown" then
      div.content = pandoc.read(raw.text, reader).blocks
    end
  end
  return doc
end

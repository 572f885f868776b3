// The archive's offline search page: search-index.js (loaded before this as a script, since fetch() does not
// work from file://) -> result links. Query syntax and folding follow `bulletin search` (README: the differences).
(function () {
  "use strict";
  var INDEX = window.BULLETIN_SEARCH_INDEX;
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var WORD = /[\p{L}\p{N}]+/gu;
  var CYRILLIC = /[\u0400-\u04ff]/;
  // Russian endings dropped from a word form the archive does not contain, before matching it as a prefix.
  var RU_ENDINGS = ["ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ов", "ев", "ей", "ам", "ям", "ах",
    "ях", "ом", "ем", "ой", "ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "а", "я", "о", "е", "ы",
    "и", "у", "ю", "ь"];

  function Parse(message) { this.message = message; }

  function prepare(index) {
    var norm = index.normalizer;
    index.invisible = new RegExp(norm.invisible, "g");
    index.folds = norm.folds.map(function (f) { return [new RegExp(f[0], "g"), f[1]]; });
    index.prepared = {};
    // searchindex.build_search_index's releases: [month, lang, [slug, title, slug, title …]] -> one list
    index.docs = [];
    index.releases.forEach(function (r) {
      for (var i = 0; i < r[2].length; i += 2) index.docs.push([r[0], r[1], r[2][i], r[2][i + 1]]);
    });
    return index;
  }

  function normalize(index, text) {
    return text.normalize("NFD").replace(index.invisible, "").normalize("NFKC").toLowerCase().replace(/ё/g, "е");
  }

  function splitWords(index, text) { return normalize(index, text).match(WORD) || []; }

  function latinKey(index, word) {
    var out = "";
    for (var ch of word) out += Object.prototype.hasOwnProperty.call(index.normalizer.translit, ch)
      ? index.normalizer.translit[ch] : ch;
    index.folds.forEach(function (f) { out = out.replace(f[0], f[1]); });
    return out;
  }

  function decodeNumbers(text) {
    var numbers = [], value = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGITS.indexOf(text[i]);
      value = value * 32 + (digit & 31);
      if (digit < 32) { numbers.push(value); value = 0; }
    }
    return numbers;
  }

  var VALUE = {};
  for (var v = 0; v < DIGITS.length; v++) VALUE[DIGITS[v]] = v;

  // searchindex.encode_postings: k, then each gap's quotient in unary and its k low bits, six bits a letter.
  function decode(text) {
    var k = VALUE[text[0]], ids = [], previous = -1, pos = 1, bits = 0, left = 0;
    function bit() {
      if (!left) { if (pos >= text.length) return -1; bits = VALUE[text[pos++]]; left = 6; }
      left--;
      return (bits >> left) & 1;
    }
    for (;;) {
      var q = 0, b, low = 0;
      while ((b = bit()) === 1) q++;
      if (b < 0) return ids;
      for (var i = 0; i < k; i++) { b = bit(); if (b < 0) return ids; low = low * 2 + b; }
      previous += q * Math.pow(2, k) + low + 1;
      ids.push(previous);
    }
  }

  // searchindex.front_code's lists: blocks (joined by ",") of BLOCK words, each word a capital letter (the
  // length shared with the word before) and the rest. Only the blocks a lookup touches are decoded.
  var BLOCK = 32;

  function frontDecode(block) {
    var words = [], previous = "", start = 0;
    for (var end = 1; end <= block.length; end++) {
      if (end === block.length || (block[end] >= "A" && block[end] <= "Z")) {
        previous = previous.slice(0, block.charCodeAt(start) - 65) + block.slice(start + 1, end);
        words.push(previous);
        start = end;
      }
    }
    return words;
  }

  function WordList(text) {
    this.blocks = text.split(",");
    this.decoded = new Map();
    var heads = this.heads = [];
    this.blocks.forEach(function (block) {
      var end = 1;
      while (end < block.length && !(block[end] >= "A" && block[end] <= "Z")) end++;
      heads.push(block.slice(1, end));
    });
    this.length = (this.blocks.length - 1) * BLOCK + this.block(this.blocks.length - 1).length;
  }
  WordList.prototype.block = function (b) {
    if (!this.decoded.has(b)) this.decoded.set(b, frontDecode(this.blocks[b]));
    return this.decoded.get(b);
  };
  WordList.prototype.get = function (i) { return this.block(Math.floor(i / BLOCK))[i % BLOCK]; };
  // The first position whose word is not below word.
  WordList.prototype.lowerBound = function (word) {
    var low = 0, high = this.heads.length;
    while (low < high) { var mid = (low + high) >> 1; if (this.heads[mid] <= word) low = mid + 1; else high = mid; }
    if (low === 0) return 0;
    var words = this.block(low - 1), i = 0;
    while (i < words.length && words[i] < word) i++;
    return (low - 1) * BLOCK + i;
  };
  WordList.prototype.find = function (word) {
    var i = this.lowerBound(word);
    return i < this.length && this.get(i) === word ? i : -1;
  };

  // searchindex.join_blocks' lists: blocks joined by ";", items inside by `inner`.
  function BlockList(text, inner, decodeBlock) {
    this.blocks = text.split(";");
    this.inner = inner;
    this.decodeBlock = decodeBlock;
    this.decoded = new Map();
  }
  BlockList.prototype.get = function (i) {
    var b = Math.floor(i / BLOCK);
    if (!this.decoded.has(b)) this.decoded.set(b, this.decodeBlock(this.blocks[b]));
    return this.decoded.get(b)[i % BLOCK];
  };

  // searchindex.encode_form_terms: zigzagged changes from the form before.
  function decodeFormTerms(block) {
    var previous = 0;
    return decodeNumbers(block).map(function (z) { previous += z % 2 ? -(z + 1) / 2 : z / 2; return previous; });
  }

  function splitPostings(block) { return block.split(","); }

  function language(index, code) {
    if (index.prepared[code]) return index.prepared[code];
    var data = index.languages[code], terms = new WordList(data.terms);
    var lang = { terms: terms, forms: data.forms ? new WordList(data.forms) : terms,
      formTerms: data.formTerms ? new BlockList(data.formTerms, "", decodeFormTerms) : null,
      postings: new BlockList(data.postings, ",", splitPostings),
      keys: new Map(), decoded: new Map(), data: data };
    index.prepared[code] = lang;
    return lang;
  }

  function termOf(lang, form) { return lang.formTerms ? lang.formTerms.get(form) : form; }

  function formsStartingWith(lang, prefix) {
    var forms = lang.forms, found = [];
    for (var i = forms.lowerBound(prefix); i < forms.length && forms.get(i).startsWith(prefix); i++) found.push(i);
    return found;
  }

  // The forms whose Latin key starts with key: only those beginning as keyStarts says are folded (and kept).
  function latinForms(index, lang, key) {
    var found = [], forms = lang.forms;
    (lang.data.keyStarts[key[0]] || []).forEach(function (beginning) {
      for (var i = forms.lowerBound(beginning); i < forms.length && forms.get(i).startsWith(beginning); i++) {
        if (!lang.keys.has(i)) lang.keys.set(i, latinKey(index, forms.get(i)));
        if (lang.keys.get(i).startsWith(key)) found.push(i);
      }
    });
    return found;
  }

  function candidates(index, code, word) {
    var lang = language(index, code), terms = new Set(), latin = !CYRILLIC.test(word);
    var add = function (forms) { forms.forEach(function (f) { terms.add(termOf(lang, f)); }); };
    if (code === "kk") {
      add(formsStartingWith(lang, word));  // no Kazakh stemmer: the word is a prefix, as in the CLI
    } else {
      var form = lang.forms.find(word), term = lang.terms.find(word);
      if (form >= 0) terms.add(termOf(lang, form));
      if (term >= 0) terms.add(term);
      if (!terms.size && !latin && code === "ru") {
        var stem = word;
        for (var e = 0; e < RU_ENDINGS.length; e++) {
          if (word.endsWith(RU_ENDINGS[e]) && word.length - RU_ENDINGS[e].length >= 4) {
            stem = word.slice(0, -RU_ENDINGS[e].length);
            break;
          }
        }
        add(formsStartingWith(lang, stem));
      }
    }
    if (latin || code === "en") {
      var key = latinKey(index, word);
      if (key) add(latinForms(index, lang, key));
    }
    return terms;
  }

  function postings(lang, term) {
    if (!lang.decoded.has(term)) lang.decoded.set(term, decode(lang.postings.get(term)));
    return lang.decoded.get(term);
  }

  // A query word -> the Set of documents that have it, for one text language.
  function lookup(index, code, word) {
    var lang = language(index, code), docs = new Set();
    candidates(index, code, word).forEach(function (term) {
      postings(lang, term).forEach(function (d) { docs.add(d); });
    });
    return docs;
  }

  var TOKEN = /\s*(?:(-)?"([^"]*)("?)|([^\s"]+))/y;

  function parse(index, text) {
    var groups = [[]], position = 0, lastOr = -1, match;
    text = text.trim();
    if (!text) throw new Parse("empty");
    TOKEN.lastIndex = 0;
    while (position < text.length && (match = (TOKEN.lastIndex = position, TOKEN.exec(text)))) {
      position = TOKEN.lastIndex;
      if (match[2] !== undefined) {
        if (!match[3]) throw new Parse("quote");
        var phrase = splitWords(index, match[2]);
        if (!phrase.length) throw new Parse("phrase");
        groups[groups.length - 1].push({ words: phrase, negated: !!match[1] });
        continue;
      }
      var word = match[4];
      if (word === "OR") {
        if (!groups[groups.length - 1].length || lastOr === groups.length) throw new Parse("or");
        groups.push([]);
        lastOr = groups.length;
        continue;
      }
      var negated = word.length > 1 && word[0] === "-";
      var words = splitWords(index, negated ? word.slice(1) : word);
      if (words.length) groups[groups.length - 1].push({ words: words, negated: negated });
    }
    if (!groups[groups.length - 1].length) throw new Parse(groups.length > 1 ? "or" : "nowords");
    groups.forEach(function (g) {
      if (g.every(function (t) { return t.negated; })) throw new Parse("exclusions");
    });
    return groups;
  }

  function intersect(a, b) { var out = new Set(); a.forEach(function (d) { if (b.has(d)) out.add(d); }); return out; }

  // Words of a phrase must all occur (the index keeps no positions); groups are ORed, '-' excludes.
  function search(index, text, bulletinLang) {
    var groups = parse(index, text), scores = new Map(), total = index.docs.length;
    Object.keys(index.languages).forEach(function (code) {
      groups.forEach(function (group) {
        var found = null, score = new Map();
        group.filter(function (t) { return !t.negated; }).forEach(function (term) {
          var docs = null;
          term.words.forEach(function (w) {
            var hit = lookup(index, code, w), weight = Math.log(1 + total / Math.max(1, hit.size));
            docs = docs ? intersect(docs, hit) : hit;
            hit.forEach(function (d) { score.set(d, (score.get(d) || 0) + weight); });
          });
          found = found ? intersect(found, docs) : docs;
        });
        group.filter(function (t) { return t.negated; }).forEach(function (term) {
          var docs = null;
          term.words.forEach(function (w) { var hit = lookup(index, code, w); docs = docs ? intersect(docs, hit) : hit; });
          docs.forEach(function (d) { found.delete(d); });
        });
        found.forEach(function (d) {
          if (bulletinLang && index.docs[d][1] !== bulletinLang) return;
          scores.set(d, Math.max(scores.get(d) || 0, score.get(d)));
        });
      });
    });
    // More and rarer words matched first; among equals newer months, then the index's order.
    var docs = index.docs;
    return Array.from(scores.keys()).sort(function (a, b) {
      return scores.get(b) - scores.get(a) || (docs[a][0] < docs[b][0] ? 1 : docs[a][0] > docs[b][0] ? -1 : a - b);
    });
  }

  function show(form, results, status, index) {
    var params = new URLSearchParams(window.location.search);
    var query = params.get("q") || "", bulletinLang = params.get("lang") || "";
    form.elements.q.value = query;
    if (bulletinLang) form.elements.lang.value = bulletinLang;
    if (!query.trim()) return;
    var found;
    try {
      found = search(index, query, bulletinLang === "all" ? "" : bulletinLang);
    } catch (error) {
      if (!(error instanceof Parse)) throw error;
      status.textContent = form.dataset.error;
      return;
    }
    status.textContent = (found.length ? form.dataset.found : form.dataset.none).replace("{count}", String(found.length));
    found.slice(0, 100).forEach(function (d) {
      var doc = index.docs[d], item = document.createElement("li"), link = document.createElement("a");
      link.href = doc[0] + "/" + doc[1] + "/" + index.monthPage + "#" + doc[2];  // file:// lists a folder
      link.textContent = doc[3];
      link.lang = doc[1];
      var meta = document.createElement("span");
      meta.className = "result-meta";
      meta.textContent = (index.months[doc[0]] || doc[0]) + " · " + (index.languageNames[doc[1]] || doc[1]);
      item.append(link, " ", meta);
      results.appendChild(item);
    });
  }

  if (typeof document !== "undefined" && document.getElementById("search-form")) {
    show(document.getElementById("search-form"), document.getElementById("results"),
         document.getElementById("search-status"), prepare(INDEX));
  }
  if (typeof window !== "undefined") window.bulletinSearch = { prepare: prepare, search: search, parse: parse };
})();

/* gongyu site search: the query analysis (our own code, MIT). It mirrors
 * generator/search/analyze.py step by step; tests/test_search_analyzer.py runs both on the same
 * strings. script_text() puts this file and search.js inside one function: nothing is global but
 * window.gongyuSearch. */
var SINGLE_COST = 14, MAX_WORD = 8, GAP = 6;
var W_WORD = 10, W_SUB = 7, W_PAIR_OOV = 5, W_PAIR = 3, W_FUZZY = 5, W_SYNONYM = 6;
var CJK = /^[\u3400-\u4dbf\u4e00-\u9fff]/;
var RUN = /[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+/g;

// The shard of a term: by its first character, or its first two for the characters in m.split.
function shardKey(term, split) {
  return split.indexOf(term[0]) >= 0 && term.length > 1 ? term.slice(0, 2) : term[0];
}
function shardNumber(key, shards) {
  var code = key.charCodeAt(0);
  if (key.length > 1) code = code * 31 + key.charCodeAt(1);
  return code % shards;
}
function normalize(text) {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}
function subWords(word, has) {
  var found = [];
  [2, 3].forEach(function (size) {
    if (word.length > size) {
      for (var i = 0; i + size <= word.length; i++) {
        var w = word.slice(i, i + size);
        if (has(w)) found.push([i, w]);
      }
    }
  });
  return found;
}
function pairs(tokens, stop) {
  var out = [], run = [];
  function flush() {
    var chars = [];
    run.forEach(function (t) {
      for (var k = 0; k < t[1].length; k++) chars.push([t[0] + k, t[1][k], t[1].length === 1]);
    });
    for (var i = 0; i + 1 < chars.length; i++) {
      out.push([chars[i][0], chars[i][1] + chars[i + 1][1], chars[i][2] || chars[i + 1][2]]);
    }
    run = [];
  }
  tokens.forEach(function (t) { if (stop.has(t[1])) flush(); else run.push(t); });
  flush();
  return out;
}
// The vocabulary grows with each term shard loaded: entry[0] is the term's cost as a word.
function Analyzer(m) {
  this.costs = new Map();
  this.stop = new Set(m.stop);
  this.synonyms = m.synonyms;
  this.keys = Object.keys(m.synonyms).sort();
  this.split = m.split || "";
  this.maskedTable = new Map();
}
Analyzer.prototype.addWords = function (shard) {
  var self = this;
  Object.keys(shard).forEach(function (w) {
    var cost = shard[w][0];
    if (!cost || self.costs.has(w)) return;
    self.costs.set(w, cost);
    if (w.length >= 3 && w.length <= 4 && !self.stop.has(w)) {
      for (var k = 1; k < w.length; k++) {  // the first character stays (see analyze.py)
        var key = w.slice(0, k) + "?" + w.slice(k + 1);
        if (!self.maskedTable.has(key)) self.maskedTable.set(key, []);
        self.maskedTable.get(key).push(w);
      }
    }
  });
};
Analyzer.prototype.starts = function (query) {
  var text = normalize(query), parts = [text], self = this, found = new Set();
  this.keys.forEach(function (key) { if (hasKey(text, key)) parts = parts.concat(self.synonyms[key]); });
  parts.forEach(function (part) {
    (part.match(RUN) || []).forEach(function (run) {
      if (!CJK.test(run)) { found.add(run[0]); return; }
      for (var i = 0; i < run.length; i++) {
        if (self.split.indexOf(run[i]) < 0) found.add(run[i]);
        else if (i + 1 < run.length) found.add(run.slice(i, i + 2));
      }
    });
  });
  return found;
};
Analyzer.prototype.segment = function (run) {
  var n = run.length, best = [], step = [], i, j;
  best[n] = 0;
  for (i = n - 1; i >= 0; i--) {
    best[i] = SINGLE_COST + best[i + 1];
    step[i] = 1;
    for (j = i + 2; j <= Math.min(n, i + MAX_WORD); j++) {
      var cost = this.costs.get(run.slice(i, j));
      if (cost !== undefined && cost + best[j] <= best[i]) { best[i] = cost + best[j]; step[i] = j - i; }
    }
  }
  var tokens = [];
  for (i = 0; i < n; i += step[i]) tokens.push([i, run.slice(i, i + step[i])]);
  return tokens;
};
Analyzer.prototype.masked = function () { return this.maskedTable; };
Analyzer.prototype.fuzzy = function (run, tokens) {
  var stop = this.stop, lone = new Set(), found = [], self = this;
  tokens.forEach(function (t) { if (t[1].length === 1 && !stop.has(t[1])) lone.add(t[0]); });
  [3, 4].forEach(function (size) {
    for (var i = 0; i + size <= run.length; i++) {
      var win = run.slice(i, i + size), touches = false;
      for (var p = i; p < i + size; p++) if (lone.has(p)) touches = true;
      if (self.costs.has(win) || !touches) continue;
      for (var k = 1; k < size; k++) {
        if (!lone.has(i + k) || (k === 1 && self.split.indexOf(win[0]) >= 0)) continue;
        (self.masked().get(win.slice(0, k) + "?" + win.slice(k + 1)) || []).forEach(function (w) {
          if (found.indexOf(w) < 0) found.push(w);
        });
      }
    }
  });
  return found;
};
Analyzer.prototype.terms = function (query, weight) {
  var out = {}, self = this, stop = this.stop, has = function (w) { return self.costs.has(w); };
  if (weight === undefined) weight = W_WORD;
  function add(term, w) { if (!stop.has(term) && w > (out[term] || 0)) out[term] = w; }
  (normalize(query).match(RUN) || []).forEach(function (run) {
    if (!CJK.test(run)) { add(run, weight); return; }
    var tokens = self.segment(run), seen = new Set();
    tokens.forEach(function (t) {
      if (t[1].length >= 2) {
        add(t[1], weight);
        seen.add(t[0] + ":" + t[1]);
        subWords(t[1], has).forEach(function (s) {
          add(s[1], Math.floor(weight * W_SUB / W_WORD));
          seen.add(t[0] + s[0] + ":" + s[1]);
        });
      }
    });
    pairs(tokens, stop).forEach(function (p) {
      if (!seen.has(p[0] + ":" + p[1])) add(p[1], Math.floor(weight * (p[2] ? W_PAIR_OOV : W_PAIR) / W_WORD));
    });
    self.fuzzy(run, tokens).forEach(function (w) { add(w, Math.floor(weight * W_FUZZY / W_WORD)); });
  });
  return out;
};
function hasKey(text, key) {
  var cut = key.indexOf("...");  // the key's “…”, normalised
  if (cut < 0) return text.indexOf(key) >= 0;
  var head = key.slice(0, cut), tail = key.slice(cut + 3), start = text.indexOf(head);
  while (start >= 0) {
    var after = start + head.length, found = text.indexOf(tail, after);
    if (found >= 0 && found - after <= GAP) return true;
    start = text.indexOf(head, start + 1);
  }
  return false;
}
Analyzer.prototype.analyze = function (query) {
  var text = normalize(query), out = this.terms(text), self = this;
  this.keys.forEach(function (key) {
    if (!hasKey(text, key)) return;
    self.synonyms[key].forEach(function (target) {
      var more = self.terms(target, W_SYNONYM);
      Object.keys(more).forEach(function (t) { if (more[t] > (out[t] || 0)) out[t] = more[t]; });
    });
  });
  return out;
};

/* gongyu site search (our own code, MIT; no dependencies, no CDN).
 * Loaded with `defer` on every page; it downloads no index until the reader opens the search box.
 * The index is a set of classic scripts (search/m.js, t<k>.js, d<k>.js) that call
 * gongyuSearch.add(), so it loads from file:// as well as over HTTP.
 * The query analysis is in analyzer.js; script_text() joins the two. */
var CSS = "__GONGYU_SEARCH_CSS__";
var here = document.currentScript;
var ROOT = new URL("../../", here ? here.src : location.href).href;
var AUDIENCES = ["家长", "教师", "学校", "社会"];
var SHOWN = 10;

// -- loading ------------------------------------------------------------------------------
var loaded = {}, waiting = {};
var api = window.gongyuSearch = {
  add: function (name, data) {
    loaded[name] = data;
    if (analyzer && name.charAt(0) === "t") analyzer.addWords(data);
    var callbacks = waiting[name] || [];
    delete waiting[name];
    callbacks.forEach(function (cb) { cb(true); });
  }
};
function load(name, cb) {
  if (loaded[name]) { cb(true); return; }
  if (waiting[name]) { waiting[name].push(cb); return; }
  waiting[name] = [cb];
  var s = document.createElement("script");
  s.src = ROOT + "search/" + name + ".js";
  s.onerror = function () {
    var callbacks = waiting[name] || [];
    delete waiting[name];
    s.remove();
    callbacks.forEach(function (f) { f(false); });
  };
  document.head.appendChild(s);
}
function loadAll(names, cb) {
  var left = names.length, ok = true;
  if (!left) { cb(true); return; }
  names.forEach(function (n) { load(n, function (good) { ok = ok && good; if (--left === 0) cb(ok); }); });
}

api.Analyzer = Analyzer;
api.normalize = normalize;
api.shardNumber = shardNumber;

// -- ranking ------------------------------------------------------------------------------
var meta = null, analyzer = null, sectionPage = null, firstSection = null;
function prepare() {
  meta = loaded.m;
  analyzer = new Analyzer(meta);
  Object.keys(loaded).forEach(function (n) { if (n.charAt(0) === "t") analyzer.addWords(loaded[n]); });
  var total = 0;
  firstSection = meta.sections.map(function (n) { var f = total; total += n; return f; });
  sectionPage = new Int32Array(total);
  meta.sections.forEach(function (n, p) { for (var k = 0; k < n; k++) sectionPage[firstSection[p] + k] = p; });
}
function shardOf(term) { return "t" + shardNumber(shardKey(term, meta.split), meta.shards); }
function askedBy(text) {
  var who = [];
  Object.keys(meta.cues).forEach(function (a) {
    if (meta.cues[a].some(function (w) { return text.indexOf(w) >= 0; })) who.push(a);
  });
  return who.length ? who : ["家长"];
}
function rank(text, terms, only) {
  var pages = new Float64Array(meta.sections.length), sections = new Map();
  Object.keys(terms).forEach(function (term) {
    var post = (loaded[shardOf(term)] || {})[term];
    if (!post) return;
    var w = terms[term], best = new Map(), sid = 0;
    for (var i = 1; i < post.length; i += 2) {
      sid += post[i];
      var p = sectionPage[sid], v = post[i + 1];
      if (v > (best.get(p) || 0)) best.set(p, v);
      sections.set(sid, (sections.get(sid) || 0) + w * v);
    }
    best.forEach(function (v, p) { pages[p] += w * v; });
  });
  var prior = 0;
  askedBy(text).forEach(function (a) { prior |= 1 << AUDIENCES.indexOf(a); });
  var bit = only ? 1 << AUDIENCES.indexOf(only) : 0, found = [];
  for (var p = 0; p < pages.length; p++) {
    if (!pages[p] || (bit && !(meta.audience[p] & bit))) continue;
    var a = meta.audience[p], s = pages[p] * (a & prior ? 1.3 : a ? 1 : 0.85);
    found.push([p, s]);
  }
  found.sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; });
  var top = found.length ? found[0][1] : 0;
  found = found.filter(function (f) { return f[1] >= top * 0.12; });
  return { pages: found, sections: sections };
}

// -- dialog -------------------------------------------------------------------------------
var dialog, input, list, status, chips, opener, more, only = "", shown = SHOWN, seq = 0, last = null;
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text) e.textContent = text;
  return e;
}
function marked(text, words) {
  var frag = document.createDocumentFragment(), i = 0;
  while (i < text.length) {
    var hit = null;
    words.forEach(function (w) { if (!hit && text.startsWith(w, i)) hit = w; });
    if (hit) { frag.appendChild(el("mark", {}, hit)); i += hit.length; continue; }
    var j = i + 1;
    while (j < text.length && !words.some(function (w) { return text.startsWith(w, j); })) j++;
    frag.appendChild(document.createTextNode(text.slice(i, j)));
    i = j;
  }
  return frag;
}
function build() {
  dialog = el("dialog", { "class": "gy-search", "aria-label": "搜索本站" });
  var form = el("form", { role: "search", "class": "gy-search__form" });
  var label = el("label", { "for": "gy-search-q", "class": "gy-search__label" }, "搜索本站");
  input = el("input", { id: "gy-search-q", type: "search", autocomplete: "off", enterkeyhint: "search",
                        placeholder: "输入问题，例如：孩子被欺负了怎么办" });
  var close = el("button", { type: "button", "class": "gy-search__close", "aria-label": "关闭搜索" }, "关闭");
  form.append(label, input, close);
  chips = el("div", { "class": "gy-search__chips", role: "group", "aria-label": "只看给谁的内容" });
  ["", "家长", "教师", "学校", "社会"].forEach(function (a) {
    var b = el("button", { type: "button", "data-audience": a, "aria-pressed": a === only ? "true" : "false" }, a || "全部");
    b.addEventListener("click", function () { only = a; syncChips(); last = null; run(); });
    chips.appendChild(b);
  });
  status = el("p", { "class": "gy-search__status", role: "status", "aria-live": "polite" });
  list = el("ol", { "class": "gy-search__results" });
  more = el("button", { type: "button", "class": "gy-search__more", hidden: "" }, "显示更多结果");
  more.addEventListener("click", function () { shown += SHOWN; last = null; run(); });
  dialog.append(form, chips, status, list, more);
  document.body.appendChild(dialog);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) first.click();
  });
  close.addEventListener("click", shut);
  // Esc closes at once (in a search box it would first only clear the text).
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); shut(); }
  });
  dialog.addEventListener("close", function () { if (opener) opener.focus(); });
  dialog.addEventListener("click", function (e) { if (e.target === dialog) shut(); });
  ["keyup", "input", "compositionend"].forEach(function (type) {
    input.addEventListener(type, function (e) { if (!e.isComposing) { shown = SHOWN; run(); } });
  });
}
function shut() {
  if (typeof dialog.close === "function") { dialog.close(); return; }
  dialog.removeAttribute("open");
  if (opener) opener.focus();
}
function syncChips() {
  Array.prototype.forEach.call(chips.children, function (b) {
    b.setAttribute("aria-pressed", b.getAttribute("data-audience") === only ? "true" : "false");
  });
}
function open(from) {
  if (!dialog) build();
  opener = from || document.activeElement;
  if (!dialog.open) {
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");  // browsers before <dialog> (iOS < 15.4)
  }
  input.focus();
  input.select();
  if (!loaded.m) status.textContent = "正在准备搜索…";
  load("m", function (ok) {
    if (!ok) { status.textContent = "搜索文件没有找到，请重新生成网站。"; return; }
    if (!analyzer) prepare();
    last = null;
    run();
  });
}
api.open = open;

function run() {
  if (!dialog) return;
  var text = normalize(input.value), key = text + "|" + only + "|" + shown;
  if (key === last) return;
  last = key;
  var ticket = ++seq;
  if (!analyzer) return;  // run() is called again once m.js is in
  if (!text) { list.textContent = ""; more.hidden = true; status.textContent = "输入要找的内容，例如：防溺水、孩子不想上学、家访"; return; }
  var shards = Array.from(new Set(Array.from(analyzer.starts(text)).map(shardOf)));
  loadAll(shards, function () {
    if (ticket !== seq) return;
    var t0 = performance.now(), terms = analyzer.analyze(text), t1 = performance.now();
    var result = rank(text, terms, only), t2 = performance.now();
    var pages = result.pages.slice(0, shown);
    var docs = Array.from(new Set(pages.map(function (f) { return "d" + Math.floor(f[0] / meta.docsPerShard); })));
    loadAll(docs, function (ok) {
      if (ticket !== seq) return;
      if (!ok) { status.textContent = "部分搜索文件没有找到，请重新生成网站。"; }
      var t3 = performance.now();
      render(text, terms, result, pages);
      api.lastRender = performance.now();
      api.timing = { analyze: t1 - t0, rank: t2 - t1, render: api.lastRender - t3 };
    });
  });
}
function doc(p) { return (loaded["d" + Math.floor(p / meta.docsPerShard)] || [])[p % meta.docsPerShard]; }
function render(text, terms, result, pages) {
  list.textContent = "";
  list.setAttribute("data-query", text);  // what the list shows (tests wait for it)
  var words = Object.keys(terms).filter(function (t) { return terms[t] >= 5; })
    .sort(function (a, b) { return b.length - a.length; });
  pages.forEach(function (f) {
    var d = doc(f[0]);
    if (!d) return;
    var li = el("li", { "class": "gy-search__item" });
    var a = el("a", { href: ROOT + d[0], "class": "gy-search__link" });
    var title = el("span", { "class": "gy-search__title" });
    title.appendChild(marked(d[1], words));
    var summary = el("span", { "class": "gy-search__summary" });
    summary.appendChild(marked(d[2], words));
    var badges = el("span", { "class": "gy-search__badges" });
    d[3].concat(d[4]).forEach(function (b) { badges.appendChild(el("span", { "class": "gy-search__badge" }, b)); });
    a.append(title, summary, badges);
    li.appendChild(a);
    var first = firstSection[f[0]], scored = [], top = 0;
    for (var k = 1; k < d[5].length; k++) {
      var v = result.sections.get(first + k) || 0;
      if (v > top) top = v;
      if (v && d[5][k][0]) scored.push([k, v]);
    }
    scored = scored.filter(function (s) { return s[1] >= top * 0.5; })
      .sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; }).slice(0, 3);
    if (scored.length) {
      var ul = el("ul", { "class": "gy-search__sections" });
      scored.forEach(function (s) {
        var li2 = el("li"), a2 = el("a", { href: ROOT + d[0] + "#" + d[5][s[0]][0] });
        a2.appendChild(marked(d[5][s[0]][1], words));
        li2.appendChild(a2);
        ul.appendChild(li2);
      });
      li.appendChild(ul);
    }
    list.appendChild(li);
  });
  more.hidden = result.pages.length <= pages.length;
  if (pages.length) {
    status.textContent = "找到 " + result.pages.length + " 篇" + (only ? "（只看" + only + "）" : "");
    return;
  }
  status.textContent = "没有找到“" + text + "”" + (only ? "（只看" + only + "）" : "") + "。换个说法试试，或看看这些主题：";
  var chars = new Set((text + Object.keys(terms).join("")).split(""));
  var near = meta.topics.map(function (t) {
    return [t, t[0].split("").filter(function (c) { return chars.has(c); }).length];
  }).sort(function (x, y) { return y[1] - x[1] || (x[0][0] < y[0][0] ? -1 : 1); });
  var best = near.filter(function (n) { return n[1] > 0; }).slice(0, 5);
  (best.length ? best : near).forEach(function (n) {
    var li = el("li", { "class": "gy-search__item gy-search__topic" });
    li.appendChild(el("a", { href: ROOT + n[0][1], "class": "gy-search__link" }, "主题：" + n[0][0]));
    list.appendChild(li);
  });
}

// -- the button in the header, and the keyboard ----------------------------------------------
function mount() {
  var style = el("style");
  style.textContent = CSS;
  document.head.appendChild(style);
  var header = document.querySelector(".md-header__inner") || document.body;
  var button = el("button", { type: "button", "class": "gy-search-button md-header__button", "aria-haspopup": "dialog", "aria-label": "搜索" });
  button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" width="24" height="24"><path fill="currentColor" '
    + 'd="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 '
    + '9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>'
    + "<span>搜索</span>";
  button.addEventListener("click", function () { open(button); });
  // the 404 page's search box opens this dialog with what the reader typed
  api.open = function (query) {
    open(button);
    if (input && query) { input.value = query; shown = SHOWN; last = null; run(); }
  };
  var notFound = document.querySelector("form.gy-notfound-search");
  if (notFound) {
    notFound.addEventListener("submit", function (e) {
      e.preventDefault();
      api.open(notFound.querySelector("input").value);
    });
  }
  var source = header.querySelector(".md-header__source");
  header.insertBefore(button, source);
  window.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName));
    if (typing || e.ctrlKey || e.metaKey || e.altKey || (dialog && dialog.open)) return;
    if (e.key === "/" || e.key === "s" || e.key === "S") {
      e.preventDefault();
      e.stopImmediatePropagation();
      open(button);
    }
  }, true);
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();

/* gongyu: small page helpers, plain JavaScript, no requests to anywhere.
 * - wide tables: the scrolling box gets keyboard focus, a role and a name;
 * - dialogs without an accessible name get one;
 * - 大字 (large print) mode: a header button, remembered on this device (localStorage);
 * - opened from disk (file://), links to folders open their index.html. */
(function () {
  "use strict";
  var KEY = "gongyu.bigtext";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode: not remembered */ }
  }
  if (stored()) root.classList.add("gy-big");

  function headingBefore(node) {
    for (var el = node; el; el = el.previousElementSibling || el.parentElement) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.replace(/[¶#]\s*$/, "").trim();
      if (el.classList && el.classList.contains("md-content__inner")) break;
    }
    return "";
  }

  function labelScrollers() {
    var tables = document.querySelectorAll(".md-typeset table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var box = table.closest(".md-typeset__scrollwrap") || table.parentElement;
      if (!box || box.hasAttribute("tabindex")) continue;
      var name = headingBefore(box);
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (name ? "表格：" + name : "表格") + "（可左右滑动）");
    }
  }

  function nameDialogs() {
    var dialogs = document.querySelectorAll("[role=dialog]");
    for (var i = 0; i < dialogs.length; i++) {
      var dialog = dialogs[i];
      if (dialog.hasAttribute("aria-label") || dialog.hasAttribute("aria-labelledby")) continue;
      dialog.setAttribute("aria-label", dialog.querySelector("input[type=search], .md-search__input") ? "搜索" : "对话框");
    }
  }

  function addToggle() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || inner.querySelector(".gy-bigtext")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-header__button gy-bigtext";
    button.textContent = "大字";
    button.title = "大字模式：把正文字号放大，再点一次恢复";
    button.setAttribute("aria-pressed", root.classList.contains("gy-big") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = !root.classList.contains("gy-big");
      root.classList.toggle("gy-big", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      store(on);
    });
    // at the end of the header, in a box no taller than the header: nothing else moves (no layout shift)
    inner.appendChild(button);
  }

  // The site opened from disk (site/index.html via file://): pages live at lessons/x/index.html,
  // but links say lessons/x/, which a browser shows as a folder listing. Links into the site get
  // their index.html at the moment they are followed (search results too, which are made later).
  // The offline build (gongyu build --offline) links to .html files and needs none of this.
  function followFromDisk(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download")) return;
    var url;
    try { url = new URL(link.getAttribute("href"), location.href); } catch (e) { return; }
    if (url.protocol !== "file:" || !/\/$/.test(url.pathname)) return;
    url.pathname += "index.html";
    link.setAttribute("href", url.href);
  }
  if (location.protocol === "file:") {
    document.addEventListener("click", followFromDisk, true);
    document.addEventListener("auxclick", followFromDisk, true);
  }

  function run() {
    labelScrollers();
    nameDialogs();
    addToggle();
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { window.setTimeout(run, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();

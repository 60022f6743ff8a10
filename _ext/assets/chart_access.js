/* Keyboard access and print layout for plotly charts. Load it right after plotly.js, before
 * any chart is drawn.
 *
 * Plotly's "Share chart" button sends the chart to a plotly cloud server: offline it only logs
 * an error, and it would post council data elsewhere, so no chart gets it.
 *
 * Plotly's toolbar buttons are real buttons, but its menus and sliders are drawn in SVG,
 * which a keyboard cannot reach. This makes each of them focusable, names it, and operates
 * it with the keys people expect: Enter or Space for menu buttons, arrows/Home/End for sliders.
 * Before printing, charts wider or taller than a printed page are redrawn to fit it, so
 * nothing is cut off; they are restored after printing.
 */
(function () {
  "use strict";
  var PRINT_WIDTH = 640; // px; fits A4 and US Letter portrait with the browser's margins
  var PRINT_HEIGHT = 900; // px; a chart this tall still fits on one printed page
  var DONE = "data-efp-keyboard";
  var STYLE = [
    // The toolbar sits in a strip above the chart instead of over its title and menus, and its
    // buttons are at least 24px square (WCAG 2.2 target size; plotly draws them 22px tall).
    ".js-plotly-plot { padding-top: 30px; }",
    // The chart and its wrapper take their height from the drawing plus that strip; a fixed
    // height would let the drawing spill over the text below by the strip's 30px.
    "div:has(> .js-plotly-plot), .js-plotly-plot { height: auto !important; }",
    ".js-plotly-plot .plotly .modebar-container { top: -30px !important; }",
    ".js-plotly-plot .plotly .modebar-btn { height: 24px !important; min-width: 24px; }",
    ".js-plotly-plot [" + DONE + "]:focus { outline: none; }",
    ".js-plotly-plot [" + DONE + "]:focus-visible rect.updatemenu-item-rect,",
    ".js-plotly-plot rect.slider-grip-rect[" + DONE + "]:focus-visible { stroke: #0b0c0c !important;",
    "  stroke-width: 3px !important; filter: drop-shadow(0 0 3px #ffdd00); }",
    ".js-plotly-plot { break-inside: avoid; }",
    "@media print { .js-plotly-plot { padding-top: 0; } .js-plotly-plot .modebar-container { display: none !important; } }",
  ].join("\n");

  function click(element) {
    element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
  }

  function onKeys(element, handlers) {
    element.addEventListener("keydown", function (event) {
      var handler = handlers[event.key];
      if (handler) {
        event.preventDefault();
        event.stopPropagation();
        handler();
      }
    });
  }

  function control(element, role, label) {
    element.setAttribute(DONE, "");
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", role);
    if (label) element.setAttribute("aria-label", label);
  }

  // Focus the element that `find` returns once plotly has redrawn (it may replace nodes).
  function refocus(gd, find) {
    requestAnimationFrame(function () {
      enhance(gd);
      var element = find();
      if (element) element.focus();
    });
  }

  function menuLabel(group) {
    var text = group.querySelector(".updatemenu-item-text");
    return text ? text.textContent : "";
  }

  // A dropdown's header opens its list; a list item or a row button applies its view.
  // Plotly draws one list at a time, for the menu whose index the list group carries.
  function menus(gd) {
    var list = gd.querySelector("g.updatemenu-dropdown-button-group");
    var openIndex = list ? list.getAttribute("updatemenu-active-index") : "-1";
    gd.querySelectorAll("g.updatemenu-header-group").forEach(function (header, position) {
      var index = header.__data__ && header.__data__._index !== undefined ? header.__data__._index : position;
      header.setAttribute("aria-label", "Choose a view, now showing: " + menuLabel(header));
      header.setAttribute("aria-expanded", String(String(index) === openIndex));
      if (header.hasAttribute(DONE)) return;
      control(header, "button", null);
      header.setAttribute("aria-haspopup", "true");
      var toggle = function () {
        gd._efpMenuHeader = position;
        click(header.querySelector("g.updatemenu-header") || header);
        refocus(gd, function () { return gd.querySelector("g.updatemenu-dropdown-button") || header; });
      };
      onKeys(header, { Enter: toggle, " ": toggle, ArrowDown: toggle });
    });
    var items = "g.updatemenu-button, g.updatemenu-dropdown-button";
    gd.querySelectorAll(items).forEach(function (button) {
      if (button.hasAttribute(DONE)) return;
      var inList = button.classList.contains("updatemenu-dropdown-button");
      var header = function () { return gd.querySelectorAll("g.updatemenu-header-group")[gd._efpMenuHeader || 0]; };
      control(button, "button", menuLabel(button));
      var move = function (step) {
        var all = Array.prototype.slice.call(button.parentNode.querySelectorAll(items));
        var next = all[all.indexOf(button) + step];
        if (next) next.focus();
      };
      var choose = function () {
        click(button);
        if (inList) refocus(gd, header);
      };
      var close = function () {
        var target = header();
        if (!target) return;
        click(target.querySelector("g.updatemenu-header") || target);
        refocus(gd, header);
      };
      onKeys(button, {
        Enter: choose, " ": choose, ArrowDown: function () { move(1); }, ArrowUp: function () { move(-1); },
        ArrowRight: function () { move(1); }, ArrowLeft: function () { move(-1); },
        Escape: inList ? close : function () {},
      });
    });
  }

  function sliders(gd) {
    gd.querySelectorAll("g.slider-group").forEach(function (group, position) {
      var grip = group.querySelector("rect.slider-grip-rect");
      var index = group.__data__ && group.__data__._index !== undefined ? group.__data__._index : position;
      var options = (gd.layout.sliders || [])[index];
      if (!grip || !options) return;
      var steps = options.steps || [];
      var active = options.active || 0;
      grip.setAttribute("aria-valuenow", String(active + 1));
      grip.setAttribute("aria-valuetext", steps[active] ? String(steps[active].label) : "");
      if (grip.hasAttribute(DONE)) return;
      var prefix = (options.currentvalue && options.currentvalue.prefix) || "Slider";
      control(grip, "slider", prefix.replace(/[:\s]+$/, ""));
      grip.setAttribute("aria-valuemin", "1");
      grip.setAttribute("aria-valuemax", String(steps.length));
      var go = function (delta, absolute) {
        var from = gd.layout.sliders[index].active || 0;
        var target = Math.max(0, Math.min(steps.length - 1, absolute === undefined ? from + delta : absolute));
        if (target === from) return;
        var step = steps[target];
        if (step.method && step.method !== "skip" && step.execute !== false) {
          Plotly[step.method].apply(null, [gd].concat(step.args || []));
        }
        var update = {};
        update["sliders[" + index + "].active"] = target;
        Plotly.relayout(gd, update);
        refocus(gd, function () { return gd.querySelectorAll("g.slider-group")[position].querySelector("rect.slider-grip-rect"); });
      };
      onKeys(grip, {
        ArrowRight: function () { go(1); }, ArrowUp: function () { go(1); },
        ArrowLeft: function () { go(-1); }, ArrowDown: function () { go(-1); },
        Home: function () { go(0, 0); }, End: function () { go(0, steps.length - 1); },
      });
    });
  }

  function enhance(gd) {
    menus(gd);
    sliders(gd);
  }

  // Plotly redraws parts of a chart (menus, hover labels): enhance again, once per frame.
  function watch(gd) {
    if (gd.hasAttribute("data-efp-watched")) return;
    gd.setAttribute("data-efp-watched", "");
    var pending = false;
    enhance(gd);
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; enhance(gd); });
    }).observe(gd, { childList: true, subtree: true });
  }

  // Charts are drawn by inline scripts as the page is parsed: all exist once it is parsed.
  function watchAll() {
    document.querySelectorAll(".js-plotly-plot").forEach(watch);
  }

  // Redraw charts to fit a printed page before printing (fonts keep their size), and back after.
  var printed = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      var full = gd._fullLayout || {};
      var fit = {};
      if (full.width > PRINT_WIDTH) fit.width = PRINT_WIDTH;
      if (full.height > PRINT_HEIGHT) fit.height = PRINT_HEIGHT;
      if (!Object.keys(fit).length) return;
      printed.push({ gd: gd, width: gd.layout.width, height: gd.layout.height, style: gd.style.height });
      if (fit.height) gd.style.height = fit.height + "px"; // plotly.py sets the div's height too
      Plotly.relayout(gd, fit);
    });
  });
  window.addEventListener("afterprint", function () {
    printed.splice(0).forEach(function (entry) {
      entry.gd.style.height = entry.style;
      Plotly.relayout(entry.gd, {
        width: entry.width === undefined ? null : entry.width,
        height: entry.height === undefined ? null : entry.height,
      });
    });
  });

  Plotly.setPlotConfig({ showSendToCloud: false });

  var style = document.createElement("style");
  style.textContent = STYLE;
  document.head.appendChild(style);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watchAll);
  else watchAll();
})();

/* Draws the book's plotly charts, keeps them fitted to their column, and makes their controls
 * work from the keyboard. Load it with `defer` (the book, see _ext/plotly_assets.py) or inline
 * after plotly.js (the per-LA report).
 *
 * Drawing. Each chart is a div plus its figure as JSON (<script type="application/json"
 * data-efp-chart>, from analyses/views/renderer.py); the div's height is reserved by CSS, so
 * nothing moves when it is drawn. In the book plotly.js (1.2 MB) is not render-blocking: this
 * script loads it (data-plotly, relative to this file) once the page has loaded, when a chart
 * comes near the screen, and draws the charts one at a time. On file: pages, or when plotly.js is already
 * there, every chart is drawn at once. window.efpCharts.drawAll() draws every chart now.
 *
 * Reflow. A chart is drawn at the width of its column and redrawn when that width changes
 * (window resize, zoom, rotation): plotly's own "responsive" mode read the height back from the
 * page and collapsed charts to a 30px strip. Below NARROW px the layout is rewritten for a
 * phone: titles, notes and menu labels wrap to the width, labels at the lines' ends and the
 * legend move below the plot, fewer axis ticks, smaller (never under 11px) text.
 *
 * Keyboard. Plotly's menus and sliders are drawn in SVG, which a keyboard cannot reach. This
 * makes each of them focusable, names it, and operates it with the keys people expect: Enter or
 * Space for menu buttons, arrows/Home/End for sliders.
 *
 * Download. "Download this data (CSV)" (a[data-efp-csv], hidden until this script runs) saves
 * its table as CSV, made when clicked: each cell's data-csv value if it has one (the raw value
 * where the cell shows a formatted one), else its text, quoted as Python's csv module quotes
 * (analyses.views.charts.csv_from_fields, which the tests hold it to). Works from file: too.
 *
 * Print. Before printing, charts are drawn to fit a printed page; they are restored after.
 * Plotly's "Share chart" button sends the chart to a plotly cloud server: no chart gets it.
 */
(function () {
  "use strict";
  var PRINT_WIDTH = 640; // px; fits A4 and US Letter portrait with the browser's margins
  var PRINT_HEIGHT = 900; // px; a chart this tall still fits on one printed page
  var NARROW = 480; // px of column width below which a chart gets the phone layout
  var TOOLBAR = 30; // px strip above each chart for plotly's toolbar
  var MIN_FONT = 12; // px; no text in a chart gets smaller than this (WCAG: at least 11px)
  var DONE = "data-efp-keyboard";
  var STYLE = [
    // The toolbar sits in a strip above the chart instead of over its title and menus, and its
    // buttons are at least 24px square (WCAG 2.2 target size; plotly draws them 22px tall).
    ".efp-chart .js-plotly-plot, .efp-chart .plotly-graph-div { box-sizing: border-box; padding-top: " + TOOLBAR + "px; }",
    ".js-plotly-plot .plotly .modebar-container { top: -" + TOOLBAR + "px !important; }",
    ".js-plotly-plot .plotly .modebar-btn { height: 24px !important; min-width: 24px; }",
    ".js-plotly-plot [" + DONE + "]:focus { outline: none; }",
    ".js-plotly-plot [" + DONE + "]:focus-visible rect.updatemenu-item-rect,",
    ".js-plotly-plot rect.slider-grip-rect[" + DONE + "]:focus-visible { stroke: #0b0c0c !important;",
    "  stroke-width: 3px !important; filter: drop-shadow(0 0 3px #ffdd00); }",
    ".js-plotly-plot, .efp-chart { break-inside: avoid; }",
    "@media print { .efp-chart .js-plotly-plot { padding-top: 0; } .js-plotly-plot .modebar-container { display: none !important; } }",
  ].join("\n");
  var SCRIPT = document.currentScript;

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

  // A label as read aloud: the lines plotly drew it on, joined by spaces.
  function menuLabel(group) {
    var text = group.querySelector(".updatemenu-item-text");
    if (!text) return "";
    var lines = text.querySelectorAll("tspan.line");
    if (!lines.length) return text.textContent;
    return Array.prototype.map.call(lines, function (line) { return line.textContent.trim(); }).join(" ");
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
      grip.setAttribute("aria-valuetext", steps[active] ? plainText(steps[active].label) : "");
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

  // ------------------------------------------------------------------ text helpers

  var PARSER = new DOMParser();
  function plainText(text) {
    var html = String(text === undefined || text === null ? "" : text).replace(/<br\s*\/?>/gi, " ");
    return PARSER.parseFromString(html, "text/html").body.textContent.replace(/\s+/g, " ").trim();
  }

  // Rewrap chart text (plotly's subset of HTML) to lines of at most `perLine` visible
  // characters; tags take no room and are never split.
  function wrap(text, perLine) {
    var source = String(text || "").replace(/<br\s*\/?>/gi, " ");
    var guarded = source.replace(/<[^>]*>/g, function (tag) { return tag.replace(/\s/g, "\u0001"); });
    var words = guarded.split(/\s+/).filter(Boolean);
    var lines = [], line = "", size = 0;
    words.forEach(function (word) {
      var visible = word.replace(/<[^>]*>/g, "").replace(/&[#\w]+;/g, "x").length;
      if (line && size + 1 + visible > perLine) { lines.push(line); line = word; size = visible; }
      else { line = line ? line + " " + word : word; size += (size ? 1 : 0) + visible; }
    });
    if (line) lines.push(line);
    return lines.join("<br>").replace(/\u0001/g, " ");
  }

  function lineCount(text) { return String(text || "").split(/<br\s*\/?>/i).length; }
  function perLine(px, font) { return Math.max(12, Math.floor(px / (font * 0.55))); }
  function clone(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

  // Plotly's attribute paths: "title.text", "updatemenus[0].y".
  function setPath(target, path, value) {
    var keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    var node = target;
    for (var i = 0; i < keys.length - 1; i++) {
      if (node[keys[i]] === undefined || node[keys[i]] === null || typeof node[keys[i]] !== "object") {
        node[keys[i]] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      }
      node = node[keys[i]];
    }
    node[keys[keys.length - 1]] = value;
  }
  function merged(layout, update) {
    Object.keys(update || {}).forEach(function (path) { setPath(layout, path, clone(update[path])); });
    return layout;
  }

  // ------------------------------------------------------------------ layouts for a width

  function titleOf(layout) {
    var title = layout.title;
    if (typeof title === "string") return { text: title };
    return title ? clone(title) : null;
  }

  function isCategoryAxis(data, axis) {
    return data.some(function (trace) {
      var values = trace[axis] || [];
      return trace.visible !== false && values.length && typeof values[0] === "string";
    });
  }

  // The layout of a chart at `width` px. Wide columns keep the figure's own layout; narrow ones
  // (phones, zoomed pages) get the phone layout; `print` caps the height for a printed page.
  function fitLayout(source, data, width, print) {
    var layout = clone(source);
    layout.width = width;
    layout.autosize = false;
    var margin = layout.margin = Object.assign({ l: 80, r: 80, t: 100, b: 80 }, layout.margin || {});
    var height = layout.height || 450;
    // Bars never shrink their value labels below a readable size.
    layout.uniformtext = { minsize: MIN_FONT, mode: "show" };
    if (width < NARROW) height = narrowLayout(layout, data, width, margin, height);
    layout.height = print ? Math.min(height, PRINT_HEIGHT) : height;
    return layout;
  }

  function narrowLayout(layout, data, width, margin, height) {
    var plotHeight = Math.max(180, height - margin.t - margin.b);
    var extraTop = 0;
    layout.font = Object.assign({}, layout.font || {}, { size: 13 });
    // Titles wrap to the width.
    var title = titleOf(layout);
    var titleTop = null;
    if (title && title.text) {
      var font = 17;
      var before = lineCount(title.text) * ((title.font && title.font.size) || 20) * 1.25;
      title.text = wrap(title.text, perLine(width - 12, font));
      title.font = Object.assign({}, title.font || {}, { size: font });
      extraTop = Math.max(0, Math.round(lineCount(title.text) * font * 1.25 - before));
      if (title.yref === "container" && typeof title.y === "number") titleTop = (1 - title.y) * height;
      layout.title = title;
    }
    var annotations = (layout.annotations || []).map(clone);
    var ends = [], notes = [], kept = [];
    annotations.forEach(function (note) {
      var yref = note.yref || "y", xref = note.xref || "x";
      if (xref === "paper" && note.x >= 1 && yref.charAt(0) === "y" && yref !== "paper") ends.push(note);
      else if (yref === "paper" && note.y < 0) notes.push(note);
      else kept.push(note);
    });
    // Value labels to the right of a range ("12 (8 to 16)") go under their row.
    kept.forEach(function (note) {
      if ((note.xref || "x") === "x" && note.xanchor === "left" && note.xshift > 0 && margin.r > 60) {
        note.xref = "paper"; note.x = 0; note.xshift = 0; note.yshift = -22;
        note.font = Object.assign({}, note.font || {}, { size: 13 });
      }
      if (note.font && note.font.size > 13) note.font = Object.assign({}, note.font, { size: 13 });
      if (note.font && note.font.size < MIN_FONT) note.font = Object.assign({}, note.font, { size: MIN_FONT });
    });
    // Category names on the value axis's side wrap to a third of the width.
    ["yaxis", "xaxis"].forEach(function (name) {
      var axis = layout[name] = Object.assign({}, layout[name] || {});
      axis.tickfont = Object.assign({}, axis.tickfont || {}, { size: MIN_FONT });
      axis.automargin = true;
    });
    if (isCategoryAxis(data, "y") && margin.l > 100) {
      var names = [];
      data.forEach(function (trace) { (trace.y || []).forEach(function (v) { if (names.indexOf(v) < 0) names.push(v); }); });
      margin.l = Math.min(margin.l, Math.round(width * 0.36));
      layout.yaxis.tickmode = "array";
      layout.yaxis.tickvals = names;
      layout.yaxis.ticktext = names.map(function (v) { return wrap(v, perLine(margin.l - 8, MIN_FONT)); });
    } else {
      margin.l = Math.min(margin.l, 64);
    }
    margin.r = Math.min(margin.r, 20);
    var plotWidth = width - margin.l - margin.r;
    ["yaxis", "xaxis"].forEach(function (name) {
      var axis = layout[name];
      if (!axis.title) return;
      var axisTitle = typeof axis.title === "string" ? { text: axis.title } : Object.assign({}, axis.title);
      axisTitle.text = wrap(axisTitle.text, perLine((name === "yaxis" ? plotHeight : plotWidth) - 10, 13));
      axisTitle.font = Object.assign({}, axisTitle.font || {}, { size: 13 });
      axis.title = axisTitle;
    });
    // Bars: a horizontal bar's label goes inside it when it does not fit beside it; grouped
    // vertical bars say only their value (turned upright), and a key below names the series.
    data.forEach(function (trace) {
      if (trace.type !== "bar" || !trace.text || trace.textposition !== "outside") return;
      if (trace.orientation === "h") {
        trace.textposition = "auto";
        if (trace.__efpWide) trace.__efpWide.narrowText = trace.text;
        return;
      }
      if (data.filter(function (t) { return t.type === "bar" && t.visible !== false; }).length < 2) return;
      trace.text = trace.text.map(function (text) { return String(text).split(/<br\s*\/?>/i).pop(); });
      if (trace.__efpWide) trace.__efpWide.narrowText = trace.text;
      trace.textangle = -90;
      trace.showlegend = true;
      layout.showlegend = true;
    });
    // Fewer ticks on a year axis.
    if (layout.xaxis.dtick === 1 && !isCategoryAxis(data, "x")) {
      delete layout.xaxis.dtick;
      layout.xaxis.nticks = Math.max(3, Math.floor(plotWidth / 60));
    }
    // Below the plot: axis, then the end-of-line labels as a key, then the notes.
    var below = 44 + (layout.xaxis.title ? 22 * lineCount(layout.xaxis.title.text) : 0);
    if (layout.sliders && layout.sliders.length) below += 90;
    var start = below;
    ends.sort(function (a, b) { return b.y - a.y; }).forEach(function (note) {
      note.text = plainTextKeepingSpans(note.text);
      note.x = 0; note.xref = "paper"; note.xanchor = "left";
      note.yref = "paper"; note.yanchor = "top"; note.y = -below / plotHeight; note.xshift = 0;
      note.font = Object.assign({}, note.font || {}, { size: 13 });
      below += 20;
    });
    if (ends.length) below += 6;
    notes.forEach(function (note) {
      var size = Math.max(MIN_FONT, Math.min((note.font && note.font.size) || 13, 13));
      note.text = wrap(note.text, perLine(width - 16, size));
      note.font = Object.assign({}, note.font || {}, { size: size });
      note.x = -(margin.l - 8) / plotWidth; note.xanchor = "left"; note.align = "left";
      note.y = -below / plotHeight; note.yanchor = "top";
      below += lineCount(note.text) * size * 1.3 + 6;
    });
    if (layout.showlegend) {
      var shown = data.filter(function (t) { return t.showlegend !== false && t.visible !== false; }).length;
      layout.legend = Object.assign({}, layout.legend || {}, { orientation: "h", x: 0, xanchor: "left",
        y: -below / plotHeight, yanchor: "top", font: { size: 13 } });
      below += Math.ceil(shown / 2) * 22;
    }
    if (ends.length || notes.length || layout.showlegend) margin.b = Math.round(below + 10);
    // Menus: labels wrap, and the menu starts at the chart's left edge.
    var left = -(margin.l - 4) / plotWidth;
    (layout.updatemenus || []).forEach(function (menu) {
      menu.x = left; menu.xanchor = "left";
      menu.font = Object.assign({}, menu.font || {}, { size: 13 });
      (menu.buttons || []).forEach(function (button) { button.label = wrap(button.label, perLine(width - 40, 13)); });
      if (typeof menu.y === "number" && menu.y > 1) menu.y += extraTop / plotHeight;
    });
    kept.forEach(function (note) {
      if ((note.yref || "y") === "paper" && note.y > 1) {
        note.y += extraTop / plotHeight;
        if (note.x === 0 && (note.xref || "x") === "paper") note.x = left;
        note.text = wrap(note.text, perLine(width - 12, (note.font && note.font.size) || 13));
      }
    });
    // Slider step labels crowd a narrow axis: the current value above the slider says which is chosen.
    (layout.sliders || []).forEach(function (slider) {
      slider.font = Object.assign({}, slider.font || {}, { size: MIN_FONT });
      if ((slider.steps || []).length * 44 > plotWidth) slider.font.color = "rgba(0,0,0,0)";
      slider.currentvalue = Object.assign({}, slider.currentvalue || {});
      slider.currentvalue.font = Object.assign({}, slider.currentvalue.font || {}, { size: 14 });
    });
    layout.annotations = kept.concat(ends, notes);
    margin.t = Math.round(margin.t + extraTop);
    var total = Math.round(plotHeight + margin.t + margin.b);
    if (titleTop !== null) layout.title.y = 1 - titleTop / total;
    return total;
  }

  // An end label "<span style=color>●</span> Name<br>more" on one line, keeping its coloured glyph.
  function plainTextKeepingSpans(text) { return String(text || "").replace(/<br\s*\/?>/gi, " "); }

  // ------------------------------------------------------------------ drawing

  var charts = [];
  var plotlyLoading = null;
  var printing = false;

  function plotlyReady() {
    if (window.Plotly) { configure(); return Promise.resolve(); }
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var source = SCRIPT && SCRIPT.getAttribute("data-plotly");
        if (!source) { reject(new Error("chart_access.js: plotly.js is not loaded")); return; }
        var script = document.createElement("script");
        script.src = new URL(source, SCRIPT.src).href;
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error("chart_access.js: could not load " + script.src)); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading.then(configure);
  }

  var configured = false;
  function configure() {
    if (configured) return;
    configured = true;
    Plotly.setPlotConfig({ showSendToCloud: false });
  }

  // The layout the chart shows now: the figure's, with the chosen menu view and slider steps.
  function currentLayout(chart) {
    var layout = clone(chart.spec.layout);
    var gd = chart.gd;
    if (!gd.layout) return layout;
    (chart.spec.layout.updatemenus || []).forEach(function (menu, index) {
      var active = ((gd.layout.updatemenus || [])[index] || {}).active;
      if (active === undefined) return;
      setPath(layout, "updatemenus[" + index + "].active", active);
      var button = (menu.buttons || [])[active];
      if (button && button.method === "update" && button.args) merged(layout, button.args[1]);
      if (button && button.method === "relayout" && button.args) merged(layout, button.args[0]);
    });
    (chart.spec.layout.sliders || []).forEach(function (slider, index) {
      var active = ((gd.layout.sliders || [])[index] || {}).active;
      if (active === undefined) return;
      setPath(layout, "sliders[" + index + "].active", active);
      var step = (slider.steps || [])[active];
      if (step && step.method === "update" && step.args) merged(layout, step.args[1]);
      if (step && step.method === "relayout" && step.args) merged(layout, step.args[0]);
    });
    return layout;
  }

  // Menu views and slider steps carry the layout they switch to: fit each to the width too.
  function fitControls(chart, layout, data, width) {
    var base = clone(chart.spec.layout);
    delete base.updatemenus;
    delete base.sliders;
    (layout.updatemenus || []).forEach(function (menu, index) {
      (menu.buttons || []).forEach(function (button) {
        if (button.method !== "update" || !button.args || !button.args[1]) return;
        var update = button.args[1];
        var full = merged(clone(base), update);
        full.updatemenus = (chart.spec.layout.updatemenus || []).map(function (m) {
          return { x: m.x, y: m.y, xanchor: m.xanchor, buttons: [] };
        });
        merged(full, update);
        var visible = (button.args[0] || {}).visible;
        var shown = Array.isArray(visible) ? data.filter(function (t, i) { return visible[i]; }) : data;
        var fitted = fitLayout(full, shown, width, printing);
        var out = {};
        Object.keys(update).forEach(function (path) {
          var key = path.split(/[.\[]/)[0];
          if (key !== "updatemenus") out[key] = fitted[key];
        });
        ["height", "width", "margin", "title", "annotations", "xaxis", "yaxis", "legend"].forEach(function (key) {
          if (fitted[key] !== undefined) out[key] = fitted[key];
        });
        out["updatemenus[" + index + "].y"] = fitted.updatemenus[index].y;
        out["updatemenus[" + index + "].x"] = fitted.updatemenus[index].x;
        button.args = [button.args[0], out].concat(button.args.slice(2));
      });
    });
    if (width >= NARROW) return;
    (layout.sliders || []).forEach(function (slider) {
      (slider.steps || []).forEach(function (step) {
        var update = step.args && step.args[1];
        if (!update) return;
        Object.keys(update).forEach(function (path) {
          if (path === "title.text" || path === "title") {
            var text = typeof update[path] === "string" ? update[path] : update[path].text;
            var wrapped = wrap(text, perLine(width - 12, 17));
            if (path === "title.text") update[path] = wrapped;
            else update[path] = Object.assign({}, update[path], { text: wrapped });
          }
        });
      });
    });
  }

  function columnWidth(chart) {
    var width = chart.holder.clientWidth;
    if (printing) width = Math.min(width || PRINT_WIDTH, PRINT_WIDTH);
    return width;
  }

  function draw(chart, force) {
    var width = columnWidth(chart);
    if (!width || (!force && chart.width === width && chart.drawn)) return;
    var data = chart.drawn ? chart.gd.data.map(function (trace) { return Object.assign({}, trace); })
      : clone(chart.spec.data);
    // Bars' labels as the figure has them; the phone layout rewrites them (narrowLayout).
    data.forEach(function (trace) {
      if (trace.type !== "bar") return;
      var wide = trace.__efpWide;
      if (!wide || trace.text !== wide.narrowText) {
        wide = trace.__efpWide = { text: trace.text, textposition: trace.textposition, textangle: trace.textangle,
                                   showlegend: trace.showlegend };
      }
      ["text", "textposition", "textangle", "showlegend"].forEach(function (key) {
        if (wide[key] === undefined) delete trace[key]; else trace[key] = wide[key];
      });
    });
    var layout = fitLayout(currentLayout(chart), data, width, printing);
    fitControls(chart, layout, data, width);
    chart.gd.style.height = (layout.height + (printing ? 0 : TOOLBAR)) + "px";
    chart.width = width;
    var config = Object.assign({}, chart.spec.config || {}, { responsive: false });
    if (chart.drawn) Plotly.react(chart.gd, data, layout, config);
    else Plotly.newPlot(chart.gd, data, layout, config);
    chart.drawn = true;
    watch(chart.gd);
  }

  // Draw waiting charts one per task, so the page stays responsive while they are drawn.
  var queue = [];
  var draining = null;
  function request(chart) {
    if (chart.drawn || chart.queued) return draining || Promise.resolve();
    chart.queued = true;
    queue.push(chart);
    if (!draining) {
      draining = plotlyReady().then(function () {
        return new Promise(function (resolve) {
          (function next() {
            var item = queue.shift();
            if (!item) { draining = null; resolve(); return; }
            item.queued = false;
            try { draw(item); } catch (error) { console.error(error); }
            setTimeout(next, 0);
          })();
        });
      });
    }
    return draining;
  }

  function drawAll() {
    charts.forEach(function (chart) { if (!chart.drawn) request(chart); });
    return (draining || plotlyReady()).then(function () {
      charts.forEach(function (chart) { if (!chart.drawn && window.Plotly) draw(chart); });
    });
  }

  // Redraw a chart whose column changed width, once per frame.
  var resized = new Set();
  var resizeFrame = 0;
  var resizer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var chart = entry.target.__efpChart;
      if (chart && chart.drawn) resized.add(chart);
    });
    if (!resizeFrame) resizeFrame = requestAnimationFrame(function () {
      resizeFrame = 0;
      resized.forEach(function (chart) { draw(chart); });
      resized.clear();
    });
  }) : null;

  var nearby = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { nearby.unobserve(entry.target); request(entry.target.__efpChart); }
    });
  }, { rootMargin: "25% 0px" }) : null;

  // The CSV of a table: rows of cells, each its data-csv value or its text, quoted minimally.
  function tableCsv(table) {
    var lines = [];
    Array.prototype.forEach.call(table.rows, function (row) {
      var cells = Array.prototype.map.call(row.cells, function (cell) {
        return cell.hasAttribute("data-csv") ? cell.getAttribute("data-csv") : cell.textContent;
      });
      lines.push(cells.map(function (text) {
        // As Python 3.11's csv module: a lone carriage return does not make it quote a field.
        var quote = /[,"\n]/.test(text) || (text === "" && cells.length === 1);
        return quote ? '"' + text.replace(/"/g, '""') + '"' : text;
      }).join(",") + "\n");
    });
    return lines.join("");
  }

  function csvLinks() {
    document.querySelectorAll("a[data-efp-csv][hidden]").forEach(function (link) { link.hidden = false; });
  }

  // Set just before the browser follows the link, so the download is the table as it is now.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-efp-csv]");
    var table = link && link.closest("details, .chart-extras");
    table = table && table.querySelector("table");
    if (!table) return;
    if (link.href.indexOf("blob:") === 0) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([tableCsv(table)], { type: "text/csv;charset=utf-8" }));
  });

  function setUp() {
    csvLinks();
    document.querySelectorAll("script[data-efp-chart]").forEach(function (script) {
      var gd = document.getElementById(script.getAttribute("data-efp-chart"));
      if (!gd || gd.__efpChart) return;
      var holder = gd.parentElement;
      var chart = { gd: gd, holder: holder, spec: JSON.parse(script.textContent), drawn: false, width: 0 };
      gd.__efpChart = holder.__efpChart = chart;
      charts.push(chart);
      if (resizer) resizer.observe(holder);
    });
    var eager = window.Plotly || location.protocol === "file:" || !nearby;
    if (eager) { charts.forEach(request); return; }
    // Text first: charts near the screen are drawn once the page has loaded and painted.
    var watchScreen = function () {
      setTimeout(function () { charts.forEach(function (chart) { if (!chart.drawn) nearby.observe(chart.holder); }); }, 0);
    };
    if (document.readyState === "complete") watchScreen();
    else window.addEventListener("load", watchScreen, { once: true });
  }

  // Redraw charts to fit a printed page before printing (fonts keep their size), and back after.
  window.addEventListener("beforeprint", function () {
    printing = true;
    if (!window.Plotly && SCRIPT && SCRIPT.getAttribute("data-plotly")) {
      try { // printing cannot wait: fetch plotly.js at once
        var xhr = new XMLHttpRequest();
        xhr.open("GET", new URL(SCRIPT.getAttribute("data-plotly"), SCRIPT.src).href, false);
        xhr.send();
        (0, eval)(xhr.responseText);
      } catch (error) { console.warn("charts not drawn for print", error); }
    }
    if (!window.Plotly) return;
    configure();
    charts.forEach(function (chart) { draw(chart, true); });
  });
  window.addEventListener("afterprint", function () {
    printing = false;
    charts.forEach(function (chart) { if (chart.drawn) draw(chart, true); });
  });

  window.efpCharts = { drawAll: drawAll, charts: charts, fitLayout: fitLayout, wrap: wrap, tableCsv: tableCsv };

  var style = document.createElement("style");
  style.textContent = STYLE;
  document.head.appendChild(style);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

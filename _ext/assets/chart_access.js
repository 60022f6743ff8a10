/* Draws the book's plotly charts, keeps them fitted to their column, and makes their controls
 * work from the keyboard. Load it with `defer` (the book, see _ext/plotly_assets.py) or inline
 * after plotly.js (the per-LA report).
 *
 * Drawing. Each chart is a div plus its figure as JSON (<script type="application/json"
 * data-efp-chart>, from analyses/views/renderer.py); the div's height is reserved by CSS, so
 * nothing moves when it is drawn. In the book plotly.js (1.2 MB) is not render-blocking: this
 * script loads it (data-plotly, relative to this file) once the page has loaded, when a chart
 * comes near the screen, and draws the charts one at a time. On file: pages, or when plotly.js is already
 * there, every chart is drawn at once. window.efpCharts.drawAll() draws every chart now;
 * window.efpCharts.scan() takes in charts added to the page since (workshop mode's live tools).
 *
 * Reflow. A chart is drawn at the width of its column and redrawn when that width changes
 * (window resize, zoom, rotation): plotly's own "responsive" mode read the height back from the
 * page and collapsed charts to a 30px strip. At every width one set of rules lays the chart out
 * (layoutTop, groupedBarLegend, placeBarLabels, keepNotesInside): the title wrapped to the
 * measured width inside the chart with room for every line, grouped bars named by a legend,
 * bar labels beside, inside or left to the data table, notes kept inside. Below NARROW px the
 * layout is also rewritten for a phone: notes and menu labels wrap, labels at the lines' ends
 * move below the plot as a key, fewer axis ticks, smaller (never under 12px) text.
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
  // (phones, zoomed pages) get the phone layout; `maxHeight` (px, if given) caps the height, the plot
  // taking what the title leaves (heightCap).
  function fitLayout(source, data, width, maxHeight) {
    var layout = clone(source);
    layout.width = width;
    layout.autosize = false;
    var margin = layout.margin = Object.assign({ l: 80, r: 80, t: 100, b: 80 }, layout.margin || {});
    var height = layout.height || 450;
    // Bars never shrink their value labels below a readable size.
    layout.uniformtext = { minsize: MIN_FONT, mode: "show" };
    if (width < NARROW) height = narrowLayout(layout, data, width, margin, height);
    groupedBarLegend(layout, data);
    placeBarLabels(layout, data, width, height); // the plot's size is settled; layoutTop grows the top only
    height = layoutTop(layout, data, width, height, source);
    keepNotesInside(layout, width, height);
    layout.height = maxHeight ? Math.min(height, maxHeight) : height;
    return layout;
  }

  function narrowLayout(layout, data, width, margin, height) {
    var given = height - margin.t - margin.b;
    var plotHeight = Math.max(180, given);
    layout.font = Object.assign({}, layout.font || {}, { size: 13 });
    var annotations = (layout.annotations || []).map(clone);
    var ends = [], notes = [], kept = [];
    annotations.forEach(function (note) {
      var yref = note.yref || "y", xref = note.xref || "x";
      if (xref === "paper" && note.x >= 1 && yref.charAt(0) === "y" && yref !== "paper") ends.push(note);
      else if (yref === "paper" && note.y < 0) notes.push(note);
      else kept.push(note);
    });
    // Value labels to the right of a range ("12 (8 to 16)") go under their row, which is made tall
    // enough for both.
    var underRow = 0;
    kept.forEach(function (note) {
      if ((note.xref || "x") === "x" && note.xanchor === "left" && note.xshift > 0 && margin.r > 60) {
        note.xref = "paper"; note.x = 0; note.xshift = 0; note.yshift = -22;
        note.font = Object.assign({}, note.font || {}, { size: 13 });
        underRow += 1;
      }
      if (note.font && note.font.size > 13) note.font = Object.assign({}, note.font, { size: 13 });
      if (note.font && note.font.size < MIN_FONT) note.font = Object.assign({}, note.font, { size: MIN_FONT });
    });
    if (underRow) {
      plotHeight = Math.max(plotHeight, underRow * 68);
      // Half a row above the first and a little more below the last, for its label.
      var yaxis = layout.yaxis = Object.assign({}, layout.yaxis || {});
      var extent = [underRow - 0.5 + 0.3, -0.5];
      yaxis.range = yaxis.autorange === "reversed" ? extent : [extent[1] - 0.3, extent[0] - 0.3];
      yaxis.autorange = false;
    }
    // Category names on the value axis's side wrap to a third of the width.
    var axes = Object.keys(layout).filter(function (key) { return /^[xy]axis\d*$/.test(key); });
    ["yaxis", "xaxis"].forEach(function (name) { if (axes.indexOf(name) < 0) axes.push(name); });
    axes.forEach(function (name) {
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
      // Rows tall enough for their wrapped names.
      var deepest = Math.max.apply(null, layout.yaxis.ticktext.map(lineCount));
      plotHeight = Math.max(plotHeight, names.length * (deepest * 15 + 8));
    } else {
      margin.l = Math.min(margin.l, 64);
      // Room for the figure's own tick labels (plotly's automargin would take it from the plot).
      (layout.yaxis.ticktext || []).forEach(function (text) {
        String(text).split(/<br\s*\/?>/i).forEach(function (line) {
          margin.l = Math.max(margin.l, Math.min(Math.round(width * 0.45), Math.ceil(textWidth(line, MIN_FONT)) + 14));
        });
      });
    }
    margin.r = Math.min(margin.r, 20);
    var plotWidth = width - margin.l - margin.r;
    axes.forEach(function (name) {
      var axis = layout[name];
      if (!axis.title) return;
      var axisTitle = typeof axis.title === "string" ? { text: axis.title } : Object.assign({}, axis.title);
      axisTitle.text = wrapPx(axisTitle.text, (name.charAt(0) === "y" ? plotHeight : plotWidth) - 10, 13);
      axisTitle.font = Object.assign({}, axisTitle.font || {}, { size: 13 });
      axis.title = axisTitle;
    });
    // Fewer ticks on a year axis.
    if (layout.xaxis.dtick === 1 && !isCategoryAxis(data, "x")) {
      delete layout.xaxis.dtick;
      layout.xaxis.nticks = Math.max(3, Math.floor(plotWidth / 60));
    }
    // Below the plot: axis, then the end-of-line labels as a key, then the notes.
    var below = 44 + Math.max.apply(null, axes.map(function (name) {
      var axis = layout[name];
      return name.charAt(0) === "x" && axis.title ? 18 * lineCount(axis.title.text || axis.title) : 0;
    }));
    // A slider goes under the axis and its title, its own current value above it.
    (layout.sliders || []).forEach(function (slider) {
      slider.y = -below / plotHeight; slider.yanchor = "top";
      slider.pad = Object.assign({}, slider.pad || {}, { t: 0 });
    });
    if (layout.sliders && layout.sliders.length) below += 90;
    var start = below;
    var edge = -(margin.l - 8) / plotWidth; // the chart's own left edge, in plot widths
    ends.sort(function (a, b) { return b.y - a.y; }).forEach(function (note) {
      note.text = wrapPx(plainTextKeepingSpans(note.text), width - 16, 13);
      note.x = edge; note.xref = "paper"; note.xanchor = "left"; note.align = "left";
      note.yref = "paper"; note.yanchor = "top"; note.y = -below / plotHeight; note.xshift = 0;
      note.font = Object.assign({}, note.font || {}, { size: 13 });
      below += 18 * lineCount(note.text) + 2;
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
    if (ends.length || notes.length) margin.b = Math.round(below + 10);
    // Menus: labels wrap, and the menu starts at the chart's left edge.
    var left = -(margin.l - 4) / plotWidth;
    (layout.updatemenus || []).forEach(function (menu) {
      menu.x = left; menu.xanchor = "left";
      menu.font = Object.assign({}, menu.font || {}, { size: 13 });
      (menu.buttons || []).forEach(function (button) { button.label = wrap(button.label, perLine(width - 40, 13)); });
    });
    kept.forEach(function (note) {
      if ((note.yref || "y") === "paper" && note.y > 1) {
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
    // What sits above a taller plot keeps its place in px from the plot's top.
    var rescale = function (y) { return 1 + (y - 1) * given / plotHeight; };
    if (given !== plotHeight) {
      (layout.updatemenus || []).forEach(function (menu) { if (typeof menu.y === "number" && menu.y > 1) menu.y = rescale(menu.y); });
      kept.forEach(function (note) { if ((note.yref || "y") === "paper" && note.y > 1) note.y = rescale(note.y); });
    }
    return Math.round(plotHeight + margin.t + margin.b);
  }

  // ------------------------------------------------------------------ rules at every width
  // The one set of layout rules every chart follows (analyses/views/charts.py makes the figures;
  // CONTRIBUTING, "Charts", says what the rules do). Text is measured in the chart's own font.

  var MEASURE = document.createElement("canvas").getContext("2d");
  function textWidth(text, size) {
    MEASURE.font = size + "px Arial, Helvetica, sans-serif";
    return MEASURE.measureText(plainText(text)).width * 1.04; // a margin for bold and font differences
  }

  // Rewrap chart text to lines at most `px` wide in a `size` px font; tags are never split.
  function wrapPx(text, px, size) {
    var guarded = String(text || "").replace(/<br\s*\/?>/gi, " ")
      .replace(/<[^>]*>/g, function (tag) { return tag.replace(/\s/g, "\u0001"); });
    var lines = [], line = "";
    guarded.split(/\s+/).filter(Boolean).forEach(function (word) {
      var longer = line ? line + " " + word : word;
      if (line && textWidth(longer.replace(/\u0001/g, " "), size) > px) { lines.push(line); line = word; }
      else line = longer;
    });
    if (line) lines.push(line);
    return lines.join("<br>").replace(/\u0001/g, " ");
  }

  // Space a figure reserves for its title (analyses/views/charts.py: TITLE_PAD_PX, TITLE_LINE_PX,
  // TITLE_GAP_PX); what its top margin holds beyond that is its own (a caption, a key).
  var TITLE_PAD = 10, TITLE_LINE = 26, TITLE_GAP = 20, LEGEND = 36;

  // Grouped vertical bars are named by a legend, not bar by bar: each bar says only its value.
  function groupedBarLegend(layout, data) {
    var bars = data.filter(function (t) {
      return t.type === "bar" && t.orientation !== "h" && Array.isArray(t.text) && t.text.some(Boolean);
    });
    if (bars.length < 2 || (layout.barmode && layout.barmode !== "group")) return;
    bars.forEach(function (trace) {
      trace.text = trace.text.map(function (text) { return String(text).split(/<br\s*\/?>/i).pop(); });
      trace.showlegend = true;
    });
    layout.showlegend = true;
  }

  // From the top: any menu the figure puts above its title, the title (wrapped to the width, with
  // room for every line), a legend (one row or more, measured), then what the figure keeps
  // between title and plot. The plot keeps its height; the chart grows or shrinks around it.
  function layoutTop(layout, data, width, height, source) {
    var margin = layout.margin;
    var title = titleOf(layout);
    var plotHeight = height - margin.t - margin.b;
    var plotWidth = width - margin.l - margin.r;
    var narrow = width < NARROW;
    var original = titleOf(source) || { text: "" };
    var head = title && title.yref === "container" && typeof title.y === "number" && title.y < 1
      ? Math.round((1 - title.y) * height) : 0;
    var reserved = title && title.text ? TITLE_PAD + lineCount(original.text) * TITLE_LINE + TITLE_GAP : 0;
    var own = Math.max(0, margin.t - head - reserved - (source.showlegend ? LEGEND : 0));
    // Room for captions standing on the plot's top edge (a reference line's name).
    (layout.annotations || []).forEach(function (note) {
      if (note.y >= 1 && note.yanchor === "bottom" && /^(paper|y\d* domain)$/.test(note.yref || "")) {
        var size = (note.font && note.font.size) || (layout.font && layout.font.size) || 16;
        var above = note.yref === "paper" ? (note.y - 1) * plotHeight : 0;
        own = Math.max(own, Math.ceil(above + lineCount(note.text) * size * 1.3 + 6));
      }
    });
    var top = head;
    var font = 0;
    if (title && title.text) {
      font = narrow ? 17 : ((title.font && title.font.size) || 20);
      title.text = wrapPx(title.text, width - 16, font);
      top += TITLE_PAD + lineCount(title.text) * Math.round(font * 1.3) + (narrow ? 14 : TITLE_GAP);
    }
    if (layout.showlegend) {
      var size = narrow ? 13 : 15, rows = 1, used = 0;
      data.forEach(function (trace) {
        if (trace.showlegend === false || !trace.name) return;
        var item = 50 + textWidth(trace.name, size);
        if (used && used + item > width - 16) { rows += 1; used = 0; }
        used += item;
      });
      layout.legend = Object.assign({}, layout.legend || {}, {
        orientation: "h", x: -(margin.l - 8) / plotWidth, xanchor: "left", yanchor: "top",
        y: 1 + (own + rows * Math.round(size * 1.3 + 8) + 4) / plotHeight, font: { size: size }, traceorder: "normal",
      });
      top += rows * Math.round(size * 1.3 + 8) + 8;
    }
    var newTop = Math.round(top + own);
    var total = Math.round(plotHeight + newTop + margin.b);
    // Menus and notes above the plot: those above the title keep their place from the chart's top,
    // the rest their place from the plot's top.
    var moved = function (y) {
      var fromTop = margin.t - (y - 1) * plotHeight;
      return fromTop < head + 1 ? 1 + (newTop - fromTop) / plotHeight : y;
    };
    (layout.updatemenus || []).forEach(function (menu) {
      if (typeof menu.y === "number" && menu.y > 1) menu.y = moved(menu.y);
    });
    (layout.annotations || []).forEach(function (note) {
      if (note.yref === "paper" && note.y > 1) note.y = moved(note.y);
    });
    if (title && title.text) {
      // Plotly hangs a title's first line about 0.9 em above a bottom-anchored position, whatever
      // its number of lines.
      title.font = Object.assign({}, title.font || {}, { size: font });
      title.x = 4 / width; title.xanchor = "left"; title.xref = "container";
      title.yref = "container"; title.yanchor = "bottom"; title.pad = { t: 0, b: 0, l: 0, r: 0 };
      title.y = 1 - (head + TITLE_PAD + 0.9 * font) / total;
      layout.title = title;
    }
    margin.t = newTop;
    return total;
  }

  // Notes (annotations) stay inside the chart: one wider than the chart wraps; one that would run
  // past an edge is moved back in.
  function keepNotesInside(layout, width, height) {
    var margin = layout.margin;
    var plotWidth = width - margin.l - margin.r;
    (layout.annotations || []).forEach(function (note) {
      if (!note.text || note.visible === false) return;
      var xref = note.xref || "x";
      var at;
      if (xref === "paper") at = margin.l + note.x * plotWidth;
      else if (/^x\d*$/.test(xref)) {
        var axis = layout[xref.replace("x", "xaxis")] || {};
        if (!Array.isArray(axis.range) || typeof note.x !== "number" || axis.type === "category") return;
        at = margin.l + (note.x - axis.range[0]) / (axis.range[1] - axis.range[0]) * plotWidth;
      } else return;
      var size = (note.font && note.font.size) || (layout.font && layout.font.size) || 16;
      var widest = function () {
        return Math.max.apply(null, String(note.text).split(/<br\s*\/?>/i).map(function (l) { return textWidth(l, size); })) + 6;
      };
      var anchor = note.xanchor || "auto";
      var left = function (w) {
        var from = at + (note.xshift || 0) + (note.showarrow !== false && note.ax !== undefined && !note.axref ? note.ax : 0);
        if (anchor === "left" || (anchor === "auto" && xref === "paper" && note.x <= 0.25)) return from;
        if (anchor === "right" || (anchor === "auto" && xref === "paper" && note.x >= 0.75)) return from - w;
        return from - w / 2;
      };
      var w = widest();
      if (w > width - 8) {
        note.text = wrapPx(note.text, width - 16, size);
        w = widest();
      } else if (left(w) + w > width - 2 && width - left(w) > width * 0.6) {
        note.text = wrapPx(note.text, width - left(w) - 10, size);
        w = widest();
      }
      // A note on the data stays over the plot (clear of the axis's labels) when it can.
      var lowest = xref !== "paper" && w <= width - 2 - margin.l ? margin.l : 2;
      var shift = 0, from = left(w);
      if (from + w > width - 2) shift = width - 2 - (from + w);
      if (from + shift < lowest) shift = lowest - from;
      if (shift) note.xshift = (note.xshift || 0) + Math.round(shift);
    });
  }

  // A bar's value axis as drawn: its range, made explicit so labels can be placed against it.
  function valueRange(axis, bars, horizontal) {
    if (Array.isArray(axis.range) && axis.range.length === 2 && axis.autorange !== true) return axis.range;
    var low = 0, high = 0;
    bars.forEach(function (trace) {
      (horizontal ? trace.x : trace.y || []).forEach(function (v, i) {
        if (typeof v !== "number") return;
        var base = Array.isArray(trace.base) ? trace.base[i] : (trace.base || 0);
        low = Math.min(low, base, base + v); high = Math.max(high, base, base + v);
      });
    });
    var pad = (high - low || 1) * 0.05;
    axis.range = [low < 0 ? low - pad : low, high + pad];
    axis.autorange = false;
    return axis.range;
  }

  // How thick each bar is, in px, across its category axis.
  function barThickness(layout, bars, trace, horizontal, span) {
    var positions = (horizontal ? trace.y : trace.x) || [];
    if (typeof trace.width === "number" && typeof positions[0] === "number") {
      var all = [];
      bars.forEach(function (t) { all = all.concat((horizontal ? t.y : t.x) || []); });
      var extent = Math.max.apply(null, all) - Math.min.apply(null, all) + 1;
      return trace.width / extent * span;
    }
    var categories = new Set(positions).size || 1;
    var grouped = !layout.barmode || layout.barmode === "group";
    var gap = typeof layout.bargap === "number" ? layout.bargap : 0.2;
    return span / categories * (1 - gap) / (grouped ? bars.length : 1);
  }

  // End labels of bars: beside the bar's end where they fit in the chart, else inside the bar where
  // they fit there, else left to the data table under the chart (and the hover label). Where a
  // label naming a series is left out, a legend names the series.
  function placeBarLabels(layout, data, width, height) {
    var margin = layout.margin;
    var plotWidth = width - margin.l - margin.r, plotHeight = height - margin.t - margin.b;
    var bars = data.filter(function (t) { return t.type === "bar"; });
    var upright = null;
    bars.forEach(function (trace) {
      // "auto" (plotly's own choice, for charts drawn where this script does not run) follows the same rule.
      if ((trace.textposition !== "outside" && trace.textposition !== "auto") || !Array.isArray(trace.text)) return;
      var horizontal = trace.orientation === "h";
      var axis = layout[horizontal ? "xaxis" : "yaxis"] = Object.assign({}, layout[horizontal ? "xaxis" : "yaxis"] || {});
      var range = valueRange(axis, bars, horizontal);
      var span = horizontal ? plotWidth : plotHeight;
      var px = function (v) { return (v - range[0]) / (range[1] - range[0]) * span; };
      var size = (trace.textfont && trace.textfont.size) || (layout.font && layout.font.size) || 16;
      var thick = barThickness(layout, bars, trace, horizontal, horizontal ? plotHeight : plotWidth);
      var values = (horizontal ? trace.x : trace.y) || [];
      var sizes = trace.text.map(function (text) {
        var lines = String(text).split(/<br\s*\/?>/i);
        return { long: Math.max.apply(null, lines.map(function (l) { return textWidth(l, size); })),
                 deep: lines.length * size * 1.25 };
      });
      // Upright labels on every vertical bar of the chart when one is wider than its bar.
      if (!horizontal && upright === null) {
        upright = bars.some(function (t) {
          return t.orientation !== "h" && t.textposition === "outside" && Array.isArray(t.text) && t.text.some(function (text) {
            return String(text).split(/<br\s*\/?>/i).some(function (l) { return textWidth(l, size) > thick + 2; });
          });
        });
      }
      trace.textangle = horizontal ? 0 : (upright ? -90 : 0);
      var positions = [], texts = [];
      trace.text.forEach(function (text, i) {
        var v = values[i];
        if (!text || typeof v !== "number") { positions.push("none"); texts.push(""); return; }
        var base = Array.isArray(trace.base) ? trace.base[i] : (trace.base || 0);
        var end = px(base + v), start = px(base);
        var along = horizontal || upright ? sizes[i].long : sizes[i].deep;
        var across = horizontal || upright ? sizes[i].deep : sizes[i].long;
        var room = v >= 0 ? span - end + (horizontal ? margin.r - 6 : 0) : end - 2;
        if (room >= along + 6 && across <= thick + 3) { positions.push("outside"); texts.push(text); }
        else if (Math.abs(end - start) >= along + 10 && across <= thick + 1) { positions.push("inside"); texts.push(text); }
        else { positions.push("none"); texts.push(""); }
      });
      if (bars.length > 1 && texts.some(function (t, i) { return !t && trace.text[i]; })) {
        bars.forEach(function (t) { if (t.name) t.showlegend = true; });
        layout.showlegend = true;
      }
      trace.textposition = positions;
      trace.text = texts;
      trace.insidetextanchor = "end";
      trace.constraintext = "none";
    });
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
        var fitted = fitLayout(full, shown, width, heightCap(chart, width));
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

  // The most a chart may be tall: a printed page's height when printing; else, outside the phone
  // layout, the figure's own cap if it has one (workshop mode's live tools: one projector screen).
  function heightCap(chart, width) {
    if (printing) return PRINT_HEIGHT;
    return width >= NARROW && chart.spec.maxHeight || 0;
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
    // Bars' labels as the figure has them; the rules for the width rewrite them (placeBarLabels).
    var KEYS = ["text", "textposition", "textangle", "showlegend", "insidetextanchor", "constraintext"];
    data.forEach(function (trace) {
      if (trace.type !== "bar") return;
      var wide = trace.__efpWide;
      if (!wide || trace.text !== wide.fitted) {
        wide = trace.__efpWide = {};
        KEYS.forEach(function (key) { wide[key] = trace[key]; });
      }
      KEYS.forEach(function (key) {
        if (wide[key] === undefined) delete trace[key]; else trace[key] = wide[key];
      });
    });
    var layout = fitLayout(currentLayout(chart), data.filter(function (t) { return t.visible !== false; }), width, heightCap(chart, width));
    fitControls(chart, layout, data, width);
    data.forEach(function (trace) { if (trace.__efpWide) trace.__efpWide.fitted = trace.text; });
    chart.gd.style.height = (layout.height + (printing ? 0 : chart.strip)) + "px";
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

  // Take in the page's charts not yet known (all of them at first; those a live workshop tool has
  // just shown later) and forget those no longer in the page (the tool's chart before its update).
  function setUp() {
    csvLinks();
    charts.slice().forEach(function (chart) {
      if (chart.gd.isConnected) return;
      charts.splice(charts.indexOf(chart), 1);
      if (resizer) resizer.unobserve(chart.holder);
    });
    document.querySelectorAll("script[data-efp-chart]").forEach(function (script) {
      // Its own div, beside it: the same figure may be in the page twice, under one id (a workshop
      // tool's first state and its live chart).
      var gd = script.parentElement.querySelector("[id='" + script.getAttribute("data-efp-chart") + "']");
      if (!gd || gd.__efpChart) return;
      var holder = gd.parentElement;
      var chart = { gd: gd, holder: holder, spec: JSON.parse(script.textContent), drawn: false, width: 0,
        // The toolbar's strip as the page's CSS has it (STYLE; none in workshop mode's live tools).
        strip: parseFloat(getComputedStyle(gd).paddingTop) || 0 };
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

  window.efpCharts = { drawAll: drawAll, scan: setUp, charts: charts, fitLayout: fitLayout, wrap: wrap, tableCsv: tableCsv };

  var style = document.createElement("style");
  style.textContent = STYLE;
  document.head.appendChild(style);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

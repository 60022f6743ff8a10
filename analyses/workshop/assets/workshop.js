/* The workshop tools of an area's workshop.html (analyses/workshop/static_page.py).
   Every number was worked out by the guide's Python models when the site was built; this script
   looks states up and scales them where the model is proportional (see static_page.py). Rounding
   follows analyses/views/wording.py. Nothing is fetched: the page's data is inline. */
(function () {
  'use strict';
  var PALETTE = ['#12436D', '#28A197', '#801650', '#F46A25', '#3D3D3D', '#A285D1'];
  var FONT = 'Arial, Helvetica, sans-serif';
  var MINUS = '\u2212';

  /* ---------------------------------------------------------- wording.py, the same rounding */
  function significant(value, digits) {
    /* As wording.significant: the shortest decimal form of the number, rounded half away from zero. */
    if (value === 0 || !isFinite(value)) return value;
    digits = digits || 2;
    var parts = Math.abs(value).toExponential().split('e'), figures = parts[0].replace('.', '');
    var kept = parseInt((figures + '0'.repeat(digits)).slice(0, digits), 10) + (figures.charAt(digits) >= '5' ? 1 : 0);
    return (value < 0 ? -1 : 1) * Number(kept + 'e' + (+parts[1] - digits + 1));
  }
  function roundHalfEven(x) {
    /* Python's round() and format(): a half goes to the even neighbour (2.5 -> 2). */
    var floor = Math.floor(x), rest = x - floor;
    return rest > 0.5 ? floor + 1 : rest < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  }
  function grouped(value, decimals) {
    return value.toLocaleString('en-GB', {minimumFractionDigits: decimals || 0, maximumFractionDigits: decimals || 0});
  }
  function pounds(value) {
    var sign = value < 0 ? MINUS : '';
    value = Math.abs(value);
    var sizes = [[1e9, 'billion'], [1e6, 'million']];
    for (var i = 0; i < sizes.length; i++) {
      if (value >= sizes[i][0]) {
        var text = grouped(value / sizes[i][0], 2).replace(/0+$/, '').replace(/\.$/, '');
        return sign + '\u00a3' + text + ' ' + sizes[i][1];
      }
    }
    return sign + '\u00a3' + grouped(roundHalfEven(value));
  }
  function money(value, about, exact) {
    if (exact) return pounds(roundHalfEven(value));
    var text = pounds(significant(value, 2));
    return about === false ? text : 'about ' + text;
  }
  function childrenNumber(n) {
    n = Number(n.toFixed(2));  /* as Python's round(n, 2) */
    if (n > 0 && n < 1) return 'fewer than 1';
    var whole = Math.floor(Math.abs(n) + 0.5);
    return (n < 0 && whole ? MINUS : '') + grouped(whole);
  }
  function children(n) {
    var number = childrenNumber(n);
    return number === 'fewer than 1' || number === '1' ? number + ' child' : number + ' children';
  }
  function aboutChildren(n) {
    var text = children(n);
    return text.indexOf('fewer') === 0 ? text : 'about ' + text;
  }
  function aboutCount(n) {
    var rounded = significant(n, 2);
    return Math.abs(rounded) >= 10 ? grouped(rounded) : String(rounded);
  }
  function chance(p) {
    if (p >= 0.995) return p < 1 ? 'more than 99%' : '100%';
    if (p < 0.005) return p > 0 ? 'less than 1%' : '0%';
    return Math.round(p * 100) + '%';
  }
  function interval(f, kind) {
    if (kind === 'money') return money(f[0]) + ' (90% interval ' + money(f[1], false) + ' to ' + money(f[2], false) + ')';
    if (kind === 'children') return children(f[0]) + ' (90% interval ' + childrenNumber(f[1]) + ' to ' + childrenNumber(f[2]) + ')';
    return 'about ' + aboutCount(f[0]) + ' (90% interval ' + aboutCount(f[1]) + ' to ' + aboutCount(f[2]) + ')';
  }
  function moneyScale(top) {
    return top >= 1e6 ? [1e6, '\u00a3 million a year'] : top >= 1e3 ? [1e3, '\u00a3 thousand a year'] : [1, '\u00a3 a year'];
  }

  /* ---------------------------------------------------------- page helpers */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'html') node.innerHTML = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; });
  }
  function field(id, label, control, hint, readout) {
    control.id = id;
    var name = el('label', {'for': id, text: label});
    if (readout) readout.setAttribute('for', id);
    // A slider's value reads beside its name (on the same line where it fits), which keeps a tool's
    // controls and chart on one projector screen.
    var parts = [readout ? el('div', {'class': 'ws-named'}, [name, readout]) : name, control];
    if (hint) {
      var note = el('p', {'class': 'ws-hint', id: id + '-hint', text: hint});
      control.setAttribute('aria-describedby', id + '-hint');
      parts.push(note);
    }
    return el('div', {'class': 'ws-field'}, parts);
  }
  function select(options, value) {
    var node = el('select');
    options.forEach(function (option, i) {
      var item = el('option', {value: String(i), text: option});
      node.appendChild(item);
    });
    node.value = String(value);
    return node;
  }
  function range(min, max, step, value) {
    return el('input', {type: 'range', min: String(min), max: String(max), step: String(step), value: String(value)});
  }
  function tool(id, title, lead) {
    var controls = el('form', {'class': 'ws-controls', 'aria-label': title + ': controls'});
    controls.addEventListener('submit', function (event) { event.preventDefault(); });
    var chart = el('div', {'class': 'ws-chart', id: id + '-chart', role: 'img', 'aria-label': title});
    var heading = el('p', {'class': 'ws-chart-title', id: id + '-finding'});
    var words = el('div', {'class': 'ws-words', 'aria-live': 'polite'});
    var section = el('section', {'class': 'ws-tool', id: id, 'aria-labelledby': id + '-title'}, [
      el('h2', {id: id + '-title', text: title}),
      el('p', {'class': 'ws-lead', text: lead}),
      el('div', {'class': 'ws-body'}, [controls, el('div', {'class': 'ws-output'}, [heading, chart, words])])
    ]);
    var place = document.getElementById(id);  // the page's own (empty) section, so links to it resolve without the script
    if (place) { place.parentNode.replaceChild(section, place); } else { document.getElementById('ws-root').appendChild(section); }
    return {section: section, controls: controls, chart: chart, heading: heading, words: words};
  }
  function resetButton(parts, onReset) {
    var button = el('button', {type: 'button', 'class': 'ws-reset', text: 'Reset'});
    button.addEventListener('click', onReset);
    parts.controls.appendChild(button);
  }
  function layout(extra) {
    var base = {
      font: {family: FONT, size: 14, color: '#0B0C0C'},
      paper_bgcolor: '#FFFFFF', plot_bgcolor: '#FFFFFF',
      margin: {l: 150, r: 30, t: 30, b: 60},
      showlegend: false, hovermode: 'closest'
    };
    Object.keys(extra).forEach(function (key) { base[key] = extra[key]; });
    return base;
  }
  var CONFIG = {displayModeBar: false};
  var CHARACTER = 7.5, LINE = 17;  // px: the average width of a 14px Arial character; a line of text
  function narrow(parts) { return parts.chart.clientWidth < 560; }
  function lines(text, characters) {
    /* Words in lines of at most ``characters`` (a longer word keeps a line of its own). */
    var out = [], line = '';
    String(text).split(' ').forEach(function (word) {
      if (line && (line + ' ' + word).length > characters) { out.push(line); line = word; } else { line = line ? line + ' ' + word : word; }
    });
    return out.concat([line]);
  }
  function axisTitle(text, parts, margin) {
    /* The x-axis title wrapped to the plot's width, the bottom margin grown by its extra lines. */
    var wrapped = lines(text, Math.floor((parts.chart.clientWidth - margin.l - margin.r) / CHARACTER));
    margin.b += LINE * (wrapped.length - 1);
    return {text: wrapped.join('<br>')};
  }
  /* Each chart is laid out for its column's width (narrow() layouts, wrapped names) and laid out
     again when that width changes (a window resize, zoom or rotation): its tool's update runs. */
  var resizer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var chart = entry.target;
      if (chart.efpWidth !== chart.clientWidth) { chart.efpWidth = chart.clientWidth; chart.efpUpdate(); }
    });
  }) : null;
  function follow(parts, update) {
    parts.chart.efpUpdate = update;
    parts.chart.efpWidth = parts.chart.clientWidth;
    if (resizer) resizer.observe(parts.chart);
    update();
  }

  /* Charts are drawn as they come near the screen, once the page has loaded: plotly.js (1.2 MB,
     this script's data-plotly) is fetched for the first of them, so the text and controls are
     ready first and a phone's main thread is not blocked at load (as chart_access.js does for the
     other pages). From file: every chart is drawn at once. A chart keeps its latest figure until
     it is drawn; once drawn, every change redraws it at once. */
  var SCRIPT = document.currentScript;
  var plotlyLoading = null;
  function plotlyReady() {
    if (window.Plotly) return Promise.resolve();
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = new URL(SCRIPT.getAttribute('data-plotly'), SCRIPT.src).href;
        script.onload = function () { resolve(); };
        script.onerror = function () { reject(new Error('workshop.js: could not load ' + script.src)); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }
  var lazy = window.IntersectionObserver && location.protocol !== 'file:';
  var loaded = !lazy || document.readyState === 'complete';
  var nearby = lazy ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      nearby.unobserve(entry.target);
      entry.target.efpNear = true;
      plot(entry.target);
    });
  }, {rootMargin: '25% 0px'}) : null;
  if (!loaded) {
    window.addEventListener('load', function () {
      loaded = true;
      document.querySelectorAll('.ws-chart').forEach(function (chart) { if (chart.efpFigure) nearby.observe(chart); });
    }, {once: true});
  }
  function plot(chart) {
    if (!window.Plotly) { plotlyReady().then(function () { plot(chart); }, function (error) { console.error(error); }); return; }
    var figure = chart.efpFigure;
    if (!figure) return;
    chart.efpFigure = null;
    window.Plotly.react(chart, figure[0], figure[1], CONFIG);
    chart.efpDrawn = true;
  }
  function draw(parts, title, traces, lay, alt) {
    parts.heading.textContent = title;
    parts.chart.setAttribute('aria-label', alt);
    parts.chart.setAttribute('aria-describedby', parts.heading.id);
    lay.width = parts.chart.clientWidth;
    parts.chart.efpFigure = [traces, lay];
    if (!lazy || parts.chart.efpDrawn || parts.chart.efpNear) plot(parts.chart);
    else if (loaded) nearby.observe(parts.chart);
  }
  function rangeTraces(rows, central, low, high, labels) {
    return [{
      type: 'scatter', mode: 'markers', x: central, y: rows,
      marker: {size: 13, color: PALETTE[0], symbol: 'diamond'},
      error_x: {type: 'data', symmetric: false, thickness: 2.5, width: 10, color: PALETTE[0],
        array: high.map(function (h, i) { return h - central[i]; }),
        arrayminus: low.map(function (l, i) { return central[i] - l; })},
      hovertext: rows.map(function (r, i) { return r + ': ' + labels[i]; }), hoverinfo: 'text'
    }];
  }
  function rangeNotes(rows, high, labels) {
    return rows.map(function (r, i) {
      return {x: high[i], y: r, text: labels[i], xanchor: 'left', xshift: 10, showarrow: false, bgcolor: 'rgba(255,255,255,0.85)'};
    });
  }
  function referenceLine(x) {
    return {type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: {dash: 'dash', width: 1.5, color: '#3D3D3D'}};
  }
  function list(items) {
    return '<ul>' + items.map(function (item) { return '<li>' + item + '</li>'; }).join('') + '</ul>';
  }

  /* ---------------------------------------------------------- 1. Why randomise? */
  function randomise(R) {
    var parts = tool('ws-randomise', 'Why randomise?',
      'Simulated studies compare families who got support with families who did not. In a naive comparison who gets support ' +
      'depends on how many problems a family has; in a randomised trial a coin toss decides.');
    var start = {who: R.who.findIndex(function (w) { return w[1] === 1; }), effect: R.effects.indexOf(0.3), families: R.families.indexOf(400)};
    var who = select(R.who.map(function (w) { return w[0]; }), start.who);
    var effect = range(0, R.effects.length - 1, 1, start.effect);
    var families = range(0, R.families.length - 1, 1, start.families);
    var effectOut = el('output'), familiesOut = el('output');
    parts.controls.appendChild(field('ws-randomise-who', 'Who gets support more often', who));
    parts.controls.appendChild(field('ws-randomise-effect', 'True effect of support (score points, 0 to 1)', effect, '', effectOut));
    parts.controls.appendChild(field('ws-randomise-families', 'Families in each study (' + grouped(R.families[0]) + ' to ' + grouped(R.families[R.families.length - 1]) + ')', families, '', familiesOut));
    function update() {
      var e = R.effects[+effect.value], n = R.families[+families.value], sel = R.who[+who.value][1];
      effectOut.textContent = e.toFixed(2);
      effect.setAttribute('aria-valuetext', e.toFixed(2) + ' score points');
      familiesOut.textContent = grouped(n) + ' families';
      families.setAttribute('aria-valuetext', grouped(n) + ' families');
      var s = R.states[sel + '|' + e + '|' + n];
      var central = [s[0], s[3]], low = [s[1], s[4]], high = [s[2], s[5]];
      var labels = [0, 1].map(function (i) { return central[i].toFixed(2) + ' (' + low[i].toFixed(2) + ' to ' + high[i].toFixed(2) + ')'; });
      var small = narrow(parts), rows = small ? ['Naive', 'Trial'] : R.designs;
      var notes = small ? [] : rangeNotes(rows, high, labels);
      notes.push({x: e, y: 1.02, yref: 'paper', text: 'True effect ' + e.toFixed(2), showarrow: false, xanchor: 'left', yanchor: 'bottom'});
      var margin = small ? {l: 60, r: 15, t: 30, b: 60} : {l: 150, r: 150, t: 30, b: 60};
      var axis = axisTitle(small ? 'Estimated effect (above 0 = helpful)' : 'Estimated effect (score points; above 0 = helpful)', parts, margin);
      draw(parts, s[8], rangeTraces(rows, central, low, high, labels), layout({
        xaxis: {title: axis, range: R.range, zeroline: true, fixedrange: true},
        yaxis: {autorange: 'reversed', fixedrange: true}, shapes: [referenceLine(e)], annotations: notes, height: 220 + margin.b,
        margin: margin
      }), s[8] + '. ' + R.designs[0] + ': average ' + labels[0] + '. ' + R.designs[1] + ': average ' + labels[1] + '.');
      parts.words.innerHTML = list([
        '<b>' + R.designs[0] + ':</b> ' + s[0].toFixed(2) + ' on average; 95% of studies between ' + s[1].toFixed(2) + ' and ' + s[2].toFixed(2) + '; ' + Math.round(s[6] * 100) + '% of studies made support look harmful.',
        '<b>' + R.designs[1] + ':</b> ' + s[3].toFixed(2) + ' on average; 95% of studies between ' + s[4].toFixed(2) + ' and ' + s[5].toFixed(2) + '; ' + Math.round(s[7] * 100) + '% of studies made support look harmful.'
      ]) + '<p>' + R.studies + ' simulated studies of ' + grouped(n) + ' families each; the scale stays the same for every setting.</p>';
    }
    [who, effect, families].forEach(function (c) { c.addEventListener('input', update); c.addEventListener('change', update); });
    resetButton(parts, function () { who.value = String(start.who); effect.value = String(start.effect); families.value = String(start.families); update(); });
    follow(parts, update);
  }

  /* ---------------------------------------------------------- 2. FGC roll-out */
  function fgcFigures(F, state) {
    var own = state.children !== null;
    var mode = F[own ? 'own' : 'guide'];
    var already = F.already[state.already], coverage = F.coverage[state.coverage];
    var s = already === null ? state.coverage : F.coverage.length + state.already - 1;
    var k = already === null ? 1 : Math.max(coverage / 100 - already / 100, 0);
    var count = own ? state.children : 1, scale = k * count;
    var base = mode.base[s], cost = F.costs[state.cost];
    function times(f, by) { return f.map(function (v) { return v * by; }); }
    var out = {};
    Object.keys(base).forEach(function (key) { out[key] = times(base[key], scale); });
    out.pre_proceedings_children = times(base.pre_proceedings_children, count);
    if (cost !== null) out.conference_cost = times(mode.unit_cost[s], cost * scale);
    out.net_saving = times(mode.net[s][state.cost], scale);
    out.chance = scale > 0 ? mode.chance[s][state.cost] : 0;
    return out;
  }
  function fgcExtent(F, own) {
    var mode = F[own ? 'own' : 'guide'], top = 0, bottom = 0;
    mode.base.forEach(function (b, s) {
      var dearest = Math.max.apply(null, F.costs.filter(function (c) { return c !== null; }));
      [b.gross_saving, b.conference_cost, mode.unit_cost[s].map(function (v) { return v * dearest; })].concat(mode.net[s])
        .forEach(function (f) { top = Math.max(top, f[2], f[0]); bottom = Math.min(bottom, f[1]); });
    });
    return [bottom, top];
  }
  function fgcWords(F, fig, state) {
    var own = state.children !== null;
    return [
      ['Children entering pre-proceedings a year', own ? grouped(state.children) + ' (set by you)' : interval(fig.pre_proceedings_children, 'count')],
      ['Children avoiding care a year', interval(fig.children_avoiding_care, 'children')],
      ['Days in care avoided a year', interval(fig.days_in_care_avoided, 'count')],
      ['Cost of conferences a year', interval(fig.conference_cost, 'money')],
      ['Net saving a year', interval(fig.net_saving, 'money')],
      ['Chance that the net saving is above zero', chance(fig.chance)]
    ];
  }
  function fgcTitle(area, fig) {
    var net = fig.net_saving;
    return area + ': ' + aboutChildren(fig.children_avoiding_care[0]) + ' a year could avoid care, ' +
      (net[0] >= 0 ? 'saving ' : 'costing ') + money(Math.abs(net[0])) + ' net a year (90% interval ' +
      money(net[1], false) + ' to ' + money(net[2], false) + ')';
  }
  function fgc(D) {
    var F = D.fgc;
    var parts = tool('ws-fgc', 'Family Group Conferences for ' + D.area,
      'Offering a Family Group Conference at pre-proceedings, scaled from the randomised trial: the same estimate as the ' +
      'guide\'s FGC chapter. Each figure is the median of ' + grouped(F.draws) + ' simulated draws, with the middle 90% of them.');
    var start = {coverage: F.coverage.indexOf(100), already: 0, cost: 0};
    var childrenBox = el('input', {type: 'number', min: '0', max: String(F.children_limit), step: '1', inputmode: 'numeric',
      value: String(F.children_default)});
    var ownBox = el('input', {type: 'checkbox'});
    var coverage = range(0, F.coverage.length - 1, 1, start.coverage), coverageOut = el('output');
    var already = select(F.already.map(function (a) {
      return a === null ? 'The guide\'s setting: ' + F.guide_already : a + '%';
    }), start.already);
    var cost = select(F.costs.map(function (c) { return c === null ? 'The guide\'s range, ' + F.guide_cost : pounds(c); }), start.cost);
    var message = el('p', {'class': 'ws-message', role: 'status'});
    var ownField = el('div', {'class': 'ws-check'}, [ownBox, el('label', {'for': 'ws-fgc-own', text: 'Use my own count of children'})]);
    ownBox.id = 'ws-fgc-own';
    parts.controls.appendChild(ownField);
    parts.controls.appendChild(field('ws-fgc-children', 'Children entering pre-proceedings a year', childrenBox,
      'A whole number from 0 to ' + grouped(F.children_limit) + ' (the area\'s children aged 0 to 17). Unticked: the guide\'s estimate, with its range.'));
    parts.controls.appendChild(el('details', {'class': 'ws-assumptions'}, [el('summary', {text: 'Where the estimate comes from'}),
      el('p', {'class': 'ws-hint', text: F.demand_text.charAt(0).toUpperCase() + F.demand_text.slice(1) + '.'})]));
    parts.controls.appendChild(message);
    parts.controls.appendChild(field('ws-fgc-coverage', 'Families offered an FGC (0% to 100%)', coverage, '', coverageOut));
    parts.controls.appendChild(field('ws-fgc-already', 'Families offered one now', already));
    parts.controls.appendChild(field('ws-fgc-cost', 'Cost of a conference', cost));
    var accepted = F.children_default;
    function readChildren() {
      var text = childrenBox.value.trim(), value = Number(text), limit = F.children_limit;
      var notes = [];
      if (!ownBox.checked) return {children: null, notes: notes};
      if (text === '' || !isFinite(value) || value < 0 || value > limit || Math.floor(value) !== value) {
        notes.push('Not used: children entering pre-proceedings must be a whole number from 0 to ' + grouped(limit) +
          ', the number of children aged 0 to 17 in ' + D.area + '. The chart shows ' + grouped(accepted) + '.');
        childrenBox.setAttribute('aria-invalid', 'true');
        return {children: accepted, notes: notes};
      }
      childrenBox.removeAttribute('aria-invalid');
      accepted = value;
      if (F.looked_after && value > F.looked_after[0]) {
        notes.push('Check this: ' + grouped(value) + ' children a year is more than the ' + grouped(F.looked_after[0]) +
          ' children ' + D.area + ' looked after at 31 March ' + F.looked_after[1] + '. It should be a count a year.');
      } else if (F.children_warn && value > F.children_warn) {
        notes.push('Check this: ' + grouped(value) + ' is more than 1% of the area\'s children aged 0 to 17. It should be a count a year.');
      }
      return {children: value, notes: notes};
    }
    function current() {
      var read = readChildren();
      return {state: {children: read.children, coverage: +coverage.value, already: +already.value, cost: +cost.value}, notes: read.notes};
    }
    function update() {
      var now = current(), state = now.state;
      childrenBox.disabled = !ownBox.checked;
      coverageOut.textContent = F.coverage[state.coverage] + '% of families';
      coverage.setAttribute('aria-valuetext', F.coverage[state.coverage] + '% of families');
      message.textContent = now.notes.join(' ');
      var fig = fgcFigures(F, state);
      var guide = fgcFigures(F, {children: null, coverage: start.coverage, already: start.already, cost: start.cost});
      var extent = fgcExtent(F, state.children !== null), count = state.children !== null ? state.children : 1;
      var sc = moneyScale(Math.max(Math.abs(extent[0]), Math.abs(extent[1])) * Math.max(count, 1));
      var keys = ['conference_cost', 'gross_saving', 'net_saving'], rows = ['Cost of conferences', 'Saving on care', 'Net saving'];
      function v(key, i) { return significant(fig[key][i], 2) / sc[0]; }
      var central = keys.map(function (key) { return v(key, 0); }), low = keys.map(function (key) { return v(key, 1); }),
        high = keys.map(function (key) { return v(key, 2); });
      var labels = keys.map(function (key) { return money(fig[key][0], false) + ' (' + money(fig[key][1], false) + ' to ' + money(fig[key][2], false) + ')'; });
      /* the labels beside the ranges get a right margin as wide as the longest; where that leaves
         too little plot they are left to the list under the chart, as on a phone */
      var labelWidth = Math.max.apply(null, labels.map(function (l) { return l.length; })) * CHARACTER + 20;
      var small = narrow(parts) || parts.chart.clientWidth - 150 - labelWidth < 300;
      var span = [extent[0] * count / sc[0], extent[1] * count / sc[0]];
      var pad = (span[1] - span[0]) * 0.05 || 1;
      var title = fgcTitle(D.area, fig);
      var notes = small ? [] : rangeNotes(rows, high, labels);
      notes.push({x: 0, y: 1.02, yref: 'paper', text: 'Break even', showarrow: false, xanchor: 'left', yanchor: 'bottom'});
      var margin = small ? {l: 60, r: 15, t: 30, b: 60} : {l: 150, r: labelWidth, t: 30, b: 60};
      var axis = axisTitle(sc[1], parts, margin);
      draw(parts, title, rangeTraces(small ? ['Cost', 'Saving', 'Net'] : rows, central, low, high, labels), layout({
        xaxis: {title: axis, range: [span[0] - pad, span[1] + pad], fixedrange: true, tickformat: ',~r', nticks: small ? 4 : 0},
        yaxis: {autorange: 'reversed', fixedrange: true}, shapes: [referenceLine(0)], annotations: notes, height: 240 + margin.b,
        margin: margin
      }), title + '. ' + rows.map(function (r, i) { return r + ' ' + labels[i]; }).join('; ') + '.');
      var same = JSON.stringify(state) === JSON.stringify({children: null, coverage: start.coverage, already: start.already, cost: start.cost});
      var change = same ? 'These are the guide\'s settings, as in its FGC chapter.' :
        'With the guide\'s settings: ' + aboutChildren(guide.children_avoiding_care[0]) + ' avoiding care and a net saving of ' +
        money(guide.net_saving[0]) + ' a year; with yours: ' + aboutChildren(fig.children_avoiding_care[0]) + ' and ' +
        money(fig.net_saving[0]) + ' (' + (fig.net_saving[0] >= guide.net_saving[0] ? 'more' : 'less') + ' by ' +
        money(Math.abs(fig.net_saving[0] - guide.net_saving[0])) + ').';
      parts.words.innerHTML = '<p class="ws-finding">' + escapeHtml(change) + '</p>' + list(fgcWords(F, fig, state).map(function (line) {
        return '<b>' + escapeHtml(line[0]) + ':</b> ' + escapeHtml(line[1]);
      }));
      parts.section.setAttribute('data-state', JSON.stringify(state));
    }
    [childrenBox, ownBox, coverage, already, cost].forEach(function (c) { c.addEventListener('input', update); c.addEventListener('change', update); });
    resetButton(parts, function () {
      ownBox.checked = false; childrenBox.value = String(F.children_default); accepted = F.children_default;
      coverage.value = String(start.coverage); already.value = String(start.already); cost.value = String(start.cost); update();
    });
    follow(parts, update);
  }

  /* ---------------------------------------------------------- 3. Compare my council */
  function compare(D) {
    if (!D.compare.length) return;
    var parts = tool('ws-compare', 'Compare ' + D.area,
      'One indicator at a time against the average of its statistical neighbours, its region and England. Suppressed values are gaps, never zero.');
    var indicator = select(D.compare.map(function (c) { return c.title; }), 0);
    parts.controls.appendChild(field('ws-compare-indicator', 'Indicator', indicator));
    var roles = [['neighbour average', 'Statistical neighbours (average)'], ['region', 'The region'], ['England', 'England'], ['neighbour', 'Each statistical neighbour']];
    var boxes = roles.map(function (role) {
      var box = el('input', {type: 'checkbox', id: 'ws-compare-' + role[0].replace(/ /g, '-')});
      box.checked = role[0] !== 'neighbour';
      var wrapper = el('div', {'class': 'ws-check'}, [box, el('label', {'for': box.id, text: role[1]})]);
      return {role: role[0], box: box, node: wrapper};
    });
    parts.controls.appendChild(el('fieldset', {'class': 'ws-fieldset'}, [el('legend', {text: 'Compare with'})].concat(boxes.map(function (b) { return b.node; }))));
    var colours = {'selected': PALETTE[0], 'neighbour average': PALETTE[1], 'region': PALETTE[2], 'England': PALETTE[3], 'neighbour': '#B1B4B6'};
    var dashes = {'selected': 'solid', 'neighbour average': 'dash', 'region': 'dot', 'England': 'dashdot', 'neighbour': 'solid'};
    function update() {
      var c = D.compare[+indicator.value], shown = {selected: true};
      boxes.forEach(function (b) { shown[b.role] = b.box.checked; });
      /* A key below the plot, where an axis title would be (the years name themselves), names each
         line with its latest value: labels at the lines' ends ran off the right edge or over each
         other where lines end close together. */
      var traces = [], years = [], keyed = 0, neighbourKeyed = false;
      var keyWidth = Math.floor((parts.chart.clientWidth - 50) / CHARACTER);  // characters beside an entry's line sample
      Object.keys(c.series).forEach(function (name) {
        var s = c.series[name];
        s.y.forEach(function (y) { if (y !== null) years.push(y); });
        if (!shown[s.role]) return;
        var main = s.role === 'selected', each = s.role === 'neighbour', key = name;
        if (!each) {
          var last = s.y.length - 1;
          while (last >= 0 && s.y[last] === null) last--;
          if (last >= 0) key = name + ', ' + s.x[last] + ': ' + s.y[last].toFixed(1);
        }
        var keyLines = lines(each ? 'Each statistical neighbour' : key, keyWidth);
        traces.push({type: 'scatter', mode: each ? 'lines' : 'lines+markers', name: keyLines.map(escapeHtml).join('<br>'), x: s.x, y: s.y,
          line: {color: colours[s.role], width: main ? 4 : each ? 1 : 2.5, dash: dashes[s.role]},
          marker: {size: main ? 9 : 6}, hovertemplate: escapeHtml(name) + ', %{x}: %{y:,.1f}<extra></extra>', connectgaps: false,
          legendgroup: s.role, showlegend: !each || !neighbourKeyed});
        if (!each || !neighbourKeyed) keyed += keyLines.length;
        if (each) neighbourKeyed = true;
      });
      var allX = [];
      Object.keys(c.series).forEach(function (name) { allX = allX.concat(c.series[name].x); });
      var top = Math.max.apply(null, years.concat([1]));
      var margin = {l: 70, r: 20, t: 20, b: 60};
      var keyHeight = LINE * 1.3 * (narrow(parts) ? keyed : Math.ceil(keyed / 2));  // one entry a row on a phone, about two on wider screens
      draw(parts, c.finding, traces, layout({
        xaxis: {dtick: 1, range: [Math.min.apply(null, allX) - 0.3, Math.max.apply(null, allX) + 0.3], fixedrange: true},
        yaxis: {title: {text: c.unit === '%' ? 'Per cent' : c.unit.charAt(0).toUpperCase() + c.unit.slice(1)}, range: [0, top * 1.08], fixedrange: true, rangemode: 'tozero'},
        showlegend: true, legend: {orientation: 'h', x: 0, xanchor: 'left', y: -0.2, yanchor: 'top', traceorder: 'normal', font: {size: 13}},
        height: 320 + keyHeight, margin: margin
      }), 'Line chart: ' + c.finding + '.');
      var mine = null;
      Object.keys(c.series).forEach(function (name) { if (c.series[name].role === 'selected') mine = c.series[name]; });
      var trend = '';
      if (mine) {
        var points = mine.x.map(function (x, i) { return [x, mine.y[i]]; }).filter(function (p) { return p[1] !== null; });
        if (points.length > 1) {
          trend = D.area + ' went from ' + points[0][1].toFixed(1) + ' in ' + points[0][0] + ' to ' + points[points.length - 1][1].toFixed(1) +
            ' in ' + points[points.length - 1][0] + '.';
        }
      }
      parts.words.innerHTML = (trend ? '<p>' + escapeHtml(trend) + '</p>' : '') +
        (c.verdict ? '<p><b>Against England:</b> ' + escapeHtml(c.verdict.replace(/ England \([^)]*\)/, ' England')) + '</p>' : '');
    }
    indicator.addEventListener('change', update);
    boxes.forEach(function (b) { b.box.addEventListener('change', update); });
    resetButton(parts, function () { indicator.value = '0'; boxes.forEach(function (b) { b.box.checked = b.role !== 'neighbour'; }); update(); });
    follow(parts, update);
  }

  /* ---------------------------------------------------------- 4. Tier planner */
  function rebalance(shares, tier, value) {
    var others = Object.keys(shares).filter(function (t) { return t !== tier; });
    var total = others.reduce(function (sum, t) { return sum + shares[t]; }, 0);
    var weights = {};
    others.forEach(function (t) { weights[t] = total > 0 ? shares[t] : 1; });
    if (total <= 0) total = others.length;
    var rest = 100 - value, exact = {}, result = {};
    others.forEach(function (t) { exact[t] = rest * weights[t] / total; result[t] = Math.floor(exact[t]); });
    var spare = rest - others.reduce(function (sum, t) { return sum + result[t]; }, 0);
    others.slice().sort(function (a, b) { return (exact[b] - result[b]) - (exact[a] - result[a]); }).slice(0, spare)
      .forEach(function (t) { result[t] += 1; });
    result[tier] = value;
    return result;
  }
  function plan(budget, shares, costs, takeUp, eligible) {
    return Object.keys(shares).map(function (tier) {
      var spend = budget * shares[tier] / 100, places = spend / costs[tier], reached = places * takeUp[tier];
      return {tier: tier, spend: spend, places: places, reached: Math.min(reached, eligible), capped: reached > eligible};
    });
  }
  function tiers(D) {
    var T = D.tiers;
    var parts = tool('ws-tiers', 'Prevention tier planner',
      'Split a yearly budget across four tiers of support: money buys places, take-up decides how many families use them. ' +
      'The chart sets that beside the demand further down the line; it does not say how one changes the other.');
    var steps = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5];
    var budget = range(0, steps.length - 1, 1, steps.indexOf(1)), budgetOut = el('output');
    parts.controls.appendChild(field('ws-tiers-budget', 'Budget a year (' + money(T.budget * steps[0], false) + ' to ' + money(T.budget * steps[steps.length - 1], false) + ')', budget,
      'Starts at \u00a3150 for each of the area\'s children aged 0 to 17: a starting point, not a figure from a source.', budgetOut));
    var sliders = {}, outs = {};
    T.tiers.forEach(function (t) {
      sliders[t.tier] = range(0, 100, 1, t.share);
      outs[t.tier] = el('output');
      parts.controls.appendChild(field('ws-tiers-share-' + t.tier.toLowerCase(), t.tier + ': share of budget', sliders[t.tier], '', outs[t.tier]));
    });
    var costBoxes = {}, takeBoxes = {}, assumptions = [];
    T.tiers.forEach(function (t) {
      costBoxes[t.tier] = el('input', {type: 'number', min: '1', max: '100000', step: '1', value: String(Math.round(t.cost))});
      takeBoxes[t.tier] = el('input', {type: 'number', min: '0', max: '100', step: '1', value: String(Math.round(t.take_up * 100))});
      assumptions.push(field('ws-tiers-cost-' + t.tier.toLowerCase(), t.tier + ': cost per family (\u00a31 to \u00a3100,000)', costBoxes[t.tier]));
      assumptions.push(field('ws-tiers-take-' + t.tier.toLowerCase(), t.tier + ': take-up (0% to 100%)', takeBoxes[t.tier]));
    });
    var message = el('p', {'class': 'ws-message', role: 'status'});
    parts.controls.appendChild(el('details', {'class': 'ws-assumptions'}, [el('summary', {text: 'Assumptions: cost and take-up'})].concat(assumptions)));
    parts.controls.appendChild(message);
    function number(box, low, high, fallback, what) {
      var value = Number(box.value);
      if (box.value.trim() === '' || !isFinite(value) || value < low || value > high) {
        box.setAttribute('aria-invalid', 'true');
        return {value: fallback, note: 'Not used: ' + what + ' must be from ' + grouped(low) + ' to ' + grouped(high) + '.'};
      }
      box.removeAttribute('aria-invalid');
      return {value: value, note: ''};
    }
    function update() {
      var money_ = T.budget * steps[+budget.value], shares = {}, costs = {}, takeUp = {}, notes = [];
      budgetOut.textContent = money(money_, false, true) + ' a year';
      budget.setAttribute('aria-valuetext', money(money_, false, true));
      T.tiers.forEach(function (t) {
        shares[t.tier] = +sliders[t.tier].value;
        outs[t.tier].textContent = shares[t.tier] + '%';
        var c = number(costBoxes[t.tier], 1, 100000, t.cost, t.tier + ' cost per family');
        var u = number(takeBoxes[t.tier], 0, 100, t.take_up * 100, t.tier + ' take-up');
        costs[t.tier] = c.value; takeUp[t.tier] = u.value / 100;
        [c.note, u.note].forEach(function (n) { if (n) notes.push(n); });
      });
      var rows = plan(money_, shares, costs, takeUp, T.eligible);
      var total = rows.reduce(function (s, r) { return s + r.reached; }, 0);
      var most = rows.reduce(function (a, b) { return b.reached > a.reached ? b : a; });
      if (rows.some(function (r) { return r.capped; })) {
        notes.push('Capped: a tier cannot reach more families than the area has children aged 0 to 17 (' + grouped(T.eligible) + ').');
      }
      message.textContent = notes.join(' ');
      var lookedAfter = T.demand.filter(function (d) { return /looked after/.test(d.label) && d.value !== null; })[0];
      var title = money(money_, true, true) + ' reaches about ' + childrenNumber(total) + ' families a year' +
        (total > 0 ? ', most at the ' + most.tier.toLowerCase() + ' tier' : '') +
        (lookedAfter ? '; ' + D.area + ' had ' + lookedAfter.text + ' children looked after (' + lookedAfter.label.replace(/^.*, /, '') + ')' : '');
      var top = Math.max.apply(null, T.demand.map(function (d) { return d.value || 0; }).concat([T.eligible, 1]));
      /* a bar's label goes inside its end where it would run off the chart */
      function place(values) { return values.map(function (v) { return v > top * 0.6 ? 'inside' : 'outside'; }); }
      var small = narrow(parts), characters = Math.floor(parts.chart.clientWidth * 0.4 / CHARACTER);
      var wrapped = rows.map(function (r) { return [r.tier + ' support']; }).concat(T.demand.map(function (d) { return lines(d.label, characters); }));
      var names = wrapped.map(function (w) { return w.join('<br>'); });
      var rowHeight = Math.max(36, LINE * Math.max.apply(null, wrapped.map(function (w) { return w.length; })) + 6);
      var traces = [
        {type: 'bar', orientation: 'h', name: 'Families reached a year with this plan', y: names.slice(0, rows.length), x: rows.map(function (r) { return r.reached; }),
          marker: {color: PALETTE[0]}, text: rows.map(function (r) { return (small ? '' : 'about ') + childrenNumber(r.reached) + (small ? '' : ' families'); }),
          textposition: place(rows.map(function (r) { return r.reached; })), insidetextanchor: 'end', cliponaxis: false,
          hoverinfo: 'text', hovertext: rows.map(function (r) { return r.tier + ': about ' + childrenNumber(r.reached) + ' families'; })},
        {type: 'bar', orientation: 'h', name: D.area + ', latest published figure', y: names.slice(rows.length), x: T.demand.map(function (d) { return d.value; }),
          marker: {color: PALETTE[1], pattern: {shape: '/', fgcolor: '#FFFFFF'}}, text: T.demand.map(function (d) { return d.text; }),
          textposition: place(T.demand.map(function (d) { return d.value || 0; })), insidetextanchor: 'end', cliponaxis: false,
          hoverinfo: 'text', hovertext: T.demand.map(function (d) { return d.label + ': ' + d.text; })}
      ];
      draw(parts, title, traces, layout({
        xaxis: {title: {text: 'Families or children'}, range: [0, top * 1.35], fixedrange: true, tickformat: ',.0f', nticks: small ? 3 : 0},
        yaxis: {autorange: 'reversed', fixedrange: true, automargin: true}, barmode: 'overlay', height: 80 + rowHeight * names.length,
        margin: {l: 20, r: 20, t: 20, b: 60}
      }), 'Bar chart: ' + title + '. ' + rows.map(function (r) { return r.tier + ' about ' + childrenNumber(r.reached); }).join('; ') + '.');
      parts.words.innerHTML = list(rows.map(function (r, i) {
        var t = T.tiers[i];
        return '<b>' + escapeHtml(r.tier) + '</b> (' + escapeHtml(t.example) + '): ' + shares[r.tier] + '% of the budget, ' + money(r.spend, false, true) +
          ', about <b>' + childrenNumber(r.reached) + '</b> families. <i>Evidence:</i> ' + escapeHtml(t.evidence) + '.';
      })) + '<p>The planner shows scale, not effect: how many of these families would otherwise have reached children\'s social care is what impact evidence can tell you.</p>';
    }
    budget.addEventListener('input', update);
    T.tiers.forEach(function (t) {
      sliders[t.tier].addEventListener('input', function () {
        var current = {};
        T.tiers.forEach(function (x) { current[x.tier] = +sliders[x.tier].value; });
        var next = rebalance(current, t.tier, +sliders[t.tier].value);
        T.tiers.forEach(function (x) { sliders[x.tier].value = String(next[x.tier]); });
        update();
      });
      costBoxes[t.tier].addEventListener('input', update);
      takeBoxes[t.tier].addEventListener('input', update);
    });
    resetButton(parts, function () {
      budget.value = String(steps.indexOf(1));
      T.tiers.forEach(function (t) {
        sliders[t.tier].value = String(t.share); costBoxes[t.tier].value = String(Math.round(t.cost));
        takeBoxes[t.tier].value = String(Math.round(t.take_up * 100));
      });
      update();
    });
    follow(parts, update);
  }

  function drawAll() {
    /* Every chart now, near the screen or not: the same hook as chart_access.js's
       window.efpCharts.drawAll, which the browser tests call. A drawn chart redraws at once on each change. */
    return plotlyReady().then(function () {
      document.querySelectorAll('.ws-chart').forEach(function (chart) {
        if (nearby) nearby.unobserve(chart);
        chart.efpNear = true;
        plot(chart);
      });
    });
  }
  window.efpCharts = {drawAll: drawAll};

  window.EFP_WORKSHOP = {significant: significant, money: money, childrenNumber: childrenNumber, aboutCount: aboutCount,
    chance: chance, fgcFigures: fgcFigures, rebalance: rebalance, plan: plan};
  function start() {
    var D = JSON.parse(document.getElementById('ws-data').textContent);
    randomise(window.EFP_RANDOMISE);
    fgc(D);
    compare(D);
    tiers(D);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();

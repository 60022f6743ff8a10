(function () {
  // geography.match_areas, line by line: name_key, _distance, match_tier (tests compare the two).
  var EXACT = 0, ALIAS = 1, PREFIX = 2, ALIAS_PREFIX = 3, CONTAINS = 4, FUZZY = 5;
  function nameKey(name) {
    var text = name.toLowerCase().replace(/&/g, ' and ');
    text = text.replace(/\s*\([^)]*\)\s*$/g, '');
    text = text.replace(/,?\s*(city|county) of\s*$/g, '');
    text = text.replace(/^(city|county) of\s+|^county\s+|\s+borough$/g, '');
    return text.replace(/[^a-z0-9]+/g, '');
  }
  function distance(a, b) {
    var rows = [[]], i, j;
    for (j = 0; j <= b.length; j++) rows[0].push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], prev = rows[rows.length - 1];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j], rows[rows.length - 2][j - 2] + 1);
        }
      }
      rows.push(row);
    }
    return rows[rows.length - 1][b.length];
  }
  function tier(key, entry) {
    if (!key) return null;
    var all = entry.keys.concat(entry.aliases);
    if (entry.keys.indexOf(key) >= 0) return EXACT;
    if (entry.aliases.indexOf(key) >= 0) return ALIAS;
    if (entry.keys.some(function (k) { return k.indexOf(key) === 0; })) return PREFIX;
    if (entry.aliases.some(function (k) { return k.indexOf(key) === 0; })) return ALIAS_PREFIX;
    if (key.length >= 3 && all.some(function (k) { return k.indexOf(key) >= 0; })) return CONTAINS;
    var allowed = key.length >= 8 ? 2 : 1;
    var words = all.filter(function (k) { return k.length >= 3 && !/[0-9]/.test(k); });
    if (key.length >= 3 && words.some(function (k) { return distance(key, k) <= allowed; })) return FUZZY;
    return null;
  }
  function matchAreas(query, entries) {
    var text = query.split(/\s+/).filter(Boolean).join(' ');
    var key = nameKey(/^[0-9]+$/.test(text) && text.length < 3 ? ('000' + text).slice(-3) : text);
    var found = [];
    entries.forEach(function (entry) { var t = tier(key, entry); if (t !== null) found.push([t, entry]); });
    found.sort(function (x, y) { return x[0] - y[0] || (x[1].name < y[1].name ? -1 : x[1].name > y[1].name ? 1 : 0); });
    return found;
  }
  window.efpMatchAreas = matchAreas;
  var input = document.getElementById('finder-input'), count = document.getElementById('finder-count');
  var entries = JSON.parse(document.getElementById('finder-entries').textContent);
  var items = {};
  [].slice.call(document.querySelectorAll('.area-finder li[data-code]')).forEach(function (li) { items[li.getAttribute('data-code')] = li; });
  var best = null;
  function filter() {
    var found = input.value.trim() ? matchAreas(input.value, entries) : null;
    var shown = {};
    (found || []).forEach(function (pair) { shown[pair[1].code] = true; });
    Object.keys(items).forEach(function (code) { items[code].hidden = !!found && !shown[code]; });
    document.querySelectorAll('.area-finder .finder-region').forEach(function (group) {
      group.hidden = !group.querySelector('li:not([hidden])');
    });
    best = found && found.length ? items[found[0][1].code] : null;
    Object.keys(items).forEach(function (code) { items[code].classList.toggle('finder-best', items[code] === best); });
    if (!found) { count.textContent = entries.length + ' areas'; return; }
    if (!found.length) { count.textContent = 'No area matches \u201c' + input.value.trim() + '\u201d.'; return; }
    var name = found[0][1].name;
    count.textContent = found[0][0] === FUZZY
      ? 'No area matches \u201c' + input.value.trim() + '\u201d. Did you mean ' + name + '? Press Enter to open it.'
      : (found.length === 1 ? '1 area' : found.length + ' areas') + '. Best match: ' + name + '. Press Enter to open it.';
  }
  input.addEventListener('input', filter);
  input.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || !best) return;
    event.preventDefault();
    window.location.href = best.querySelector('a').getAttribute('href');
  });
  // Arriving from the guide's front page (?q=York&go=1): an exact name, code or alias opens at once.
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) {
    input.value = params.get('q');
    filter();
    var found = matchAreas(input.value, entries);
    var sure = found.length && found[0][0] <= ALIAS && !(found[1] && found[1][0] === found[0][0]);
    if (params.get('go') && sure) { window.location.replace(best.querySelector('a').getAttribute('href')); }
  } else if (input.value) filter();
})();

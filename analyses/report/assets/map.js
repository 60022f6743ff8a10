(function () {
  var data = JSON.parse(document.getElementById('map-rates').textContent);
  var palette = MAP_PALETTE, none = MAP_NO_DATA;
  function shade(key) {
    var rate = data[key];
    document.querySelectorAll('.map-areas a').forEach(function (link) {
      var value = rate.values[link.getAttribute('data-code')];
      var index = 0;
      rate.breaks.forEach(function (b) { if (value > b) index += 1; });
      link.querySelector('path').setAttribute('fill', value === null || value === undefined ? none : palette[index]);
      var title = link.querySelector('title'), name = title.textContent.split(':')[0];
      var shown = value === null || value === undefined ? 'no figure'
        : value.toLocaleString('en-GB', {minimumFractionDigits: 1, maximumFractionDigits: 1});
      title.textContent = name + ': ' + shown + ' (' + rate.title + ', ' + rate.year + ')';
      link.setAttribute('aria-label', title.textContent);
      var listed = document.querySelector('.map-london-list a[data-code="' + link.getAttribute('data-code') + '"] + .map-value');
      if (listed) listed.textContent = shown;
    });
    document.getElementById('map-legend').innerHTML = rate.legend.map(function (item) {
      return '<li><span class="map-swatch" style="background:' + item[0] + '"></span>' + item[1] + '</li>';
    }).join('');
    document.getElementById('map-caption').textContent = "Map of England's 153 local authorities shaded by "
      + rate.title.charAt(0).toLowerCase() + rate.title.slice(1) + ', ' + rate.year + ': darker is higher.';
  }
  document.querySelectorAll('.map-london use').forEach(function (copy) {
    copy.addEventListener('click', function () {
      var link = document.querySelector('.map-areas a[data-code="' + copy.getAttribute('data-code') + '"]');
      if (link) window.location.href = link.getAttribute('href');
    });
  });
  var select = document.getElementById('map-rate');
  select.addEventListener('change', function () { shade(select.value); });
  if (select.value !== select.options[0].value) shade(select.value);  // a choice the browser kept on reload
})();

/**
 * The dashboard's script (served as a file: the console's CSP allows no inline script). It reads
 * the chart descriptions from the `dashboard-data` block and draws each one with Chart.js on its
 * canvas, marking the canvas `data-drawn` once drawn.
 */
export const DASHBOARD_SCRIPT = `(function () {
  var block = document.getElementById('dashboard-data');
  if (!block || !window.Chart) return;
  var data;
  try { data = JSON.parse(block.textContent || '{}'); } catch (err) { return; }
  var numbers = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 2 });
  var show = function (value, unit) {
    return value === null || value === undefined ? '\\u2014' : numbers.format(value) + (unit || '');
  };
  window.Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  (data.charts || []).forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var valueAxis = spec.horizontal ? 'x' : 'y';
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: spec.min === undefined || spec.min === 0,
      min: spec.min,
      max: spec.max,
      ticks: {
        precision: spec.integer ? 0 : undefined,
        callback: function (value) { return show(value, spec.unit); }
      }
    };
    new window.Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return {
            label: s.label,
            data: s.data,
            backgroundColor: s.color,
            borderColor: s.color,
            borderWidth: 2,
            pointRadius: 3,
            spanGaps: true,
            tension: 0.2
          };
        })
      },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        locale: data.locale,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: scales,
        plugins: {
          legend: { display: spec.kind === 'line' || spec.series.length > 1 },
          tooltip: {
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ': ' + show(ctx.parsed[valueAxis], spec.unit); }
            }
          }
        }
      }
    });
    canvas.setAttribute('data-drawn', 'true');
  });
})();
`;

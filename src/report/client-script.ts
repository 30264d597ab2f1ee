/**
 * The script every report page runs (as text: it executes in the browser, next to the inlined uPlot). It
 * reads the chart specs from the page's JSON block, draws each with uPlot, makes `table.sortable` sortable by
 * a click on a header, and lets a select box switch between the charts of one group. No network access.
 */
import { axisRange, axisTicks, compactNumber } from './axis.js';

// The axis rules run here as written in axis.ts (their source is embedded), so the page and the tests agree.
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('report-data').textContent).charts;
  var fmt = {
    money: function (v) { return v == null ? '—' : Math.round(v).toLocaleString('en-US'); },
    pct: function (v) { return v == null ? '—' : (v * 100).toFixed(Math.abs(v) < 0.1 ? 2 : 1) + '%'; },
    int: function (v) { return v == null ? '—' : String(Math.round(v)); },
    num: function (v) { return v == null ? '—' : (Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : Number(v.toPrecision(4)).toString()); },
    hours: function (v) { return v == null ? '—' : (v >= 48 ? (v / 24).toFixed(1) + ' d' : v.toFixed(1) + ' h'); },
  };
  var compact = ${compactNumber.toString()};
  var axisRange = ${axisRange.toString()};
  var axisTicks = ${axisTicks.toString()};
  function same(u, splits) { return splits; }
  var charts = [];
  window.reportCharts = {};
  function width(el) { return Math.max(320, el.clientWidth || 900); }

  function xScale(spec) {
    var x = { time: !!spec.time, distr: spec.logX ? 3 : 1 };
    if (spec.xRange) x.range = function () { return spec.xRange; };
    else if (spec.xPad) {
      // Bars start at their x: the axis runs one bar past the last start, so the last bar shows in full
      // (only when the view reaches the last bar; a zoom inside the data stays as dragged).
      var last = spec.x[spec.x.length - 1];
      x.range = function (u, min, max) { return [min, max >= last ? last + spec.xPad : max]; };
    } else if (spec.xMargin) {
      // The same for both ends: a point at the first or last x is drawn whole, off the edge.
      var lo = spec.x[0];
      var hi = spec.x[spec.x.length - 1];
      var margin = (hi - lo) * spec.xMargin || spec.xMargin;
      x.range = function (u, min, max) { return [min <= lo ? lo - margin : min, max >= hi ? hi + margin : max]; };
    }
    return x;
  }
  function yScale(spec, bars) {
    if (spec.yRange) return { range: function () { return spec.yRange; } };
    if (spec.fitY) {
      var log = !!spec.logY;
      return { distr: log ? 3 : 1, log: 10, range: function (u, lo, hi) { return axisRange(lo, hi, log); } };
    }
    if (spec.logY) return { distr: 3, log: 10 };
    return { auto: true, range: bars || spec.fromZero ? function (u, lo, hi) { return [Math.min(0, lo), hi > 0 ? hi * 1.05 : 1]; } : undefined };
  }

  function build(spec) {
    var el = document.getElementById('chart-' + spec.id);
    var yf = fmt[spec.yFormat] || fmt.num;
    // Axis labels stay short: 1.2M, 350k; hover values keep full precision.
    var axisFmt = spec.yFormat === 'money' ? compact : yf;
    var xf = spec.xFormat ? fmt[spec.xFormat] : fmt.num;
    var bars = spec.kind !== 'line';
    var raw = spec.series.map(function (s) { return s.values; });
    var data = [spec.x];
    // Bars stack: each series is drawn at the sum of itself and those after it, tallest first, so all show.
    if (spec.kind === 'bars') {
      var acc = spec.x.map(function () { return 0; });
      var stacked = [];
      for (var k = spec.series.length - 1; k >= 0; k--) {
        acc = acc.map(function (a, i) { return a + (spec.series[k].values[i] || 0); });
        stacked[k] = acc.slice();
      }
      data = data.concat(stacked);
    } else data = data.concat(raw);
    var series = [{ label: spec.time ? 'time' : (spec.xLabel || 'x'), value: spec.time ? undefined : function (u, v) { return xf(v); } }];
    spec.series.forEach(function (s, k) {
      var one = {
        label: s.name,
        stroke: s.color,
        width: s.markers ? 0 : 1.5,
        dash: s.dash ? [6, 4] : undefined,
        fill: s.fill || bars ? s.color + (bars ? 'cc' : '33') : undefined,
        value: function (u, v, si, i) { return i == null ? '—' : yf(raw[k][i]); },
        spanGaps: !s.markers,
      };
      if (bars) one.paths = uPlot.paths.bars({ size: [0.9, 40], align: 1 });
      if (s.markers) {
        one.paths = function () { return null; };
        one.points = { show: true, size: 8, width: 1.5, stroke: s.color, fill: s.color + '66' };
      } else one.points = { show: !!spec.points && !bars, size: 6 };
      series.push(one);
    });
    // Tallest stack first: uPlot draws in order, so reverse the drawing order of the stacked bars.
    var opts = {
      width: width(el),
      height: spec.height || 260,
      series: series,
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: { x: xScale(spec), y: yScale(spec, bars) },
      axes: [
        spec.time ? {} : {
          values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : xf(v); }); },
          label: spec.xLabel,
          // Whole-number axes (generations) tick at whole numbers only.
          incrs: spec.xFormat === 'int' ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] : undefined,
        },
        {
          size: 76,
          values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : axisFmt(v); }); },
          // A fitted axis ticks inside its own range (uPlot's log ticks assume whole decades).
          splits: spec.fitY ? function (u, i, min, max) { return axisTicks(min, max, !!spec.logY); } : undefined,
          filter: spec.fitY ? same : undefined,
        },
      ],
    };
    var chart = new uPlot(opts, data, el);
    charts.push({ chart: chart, el: el });
    // By chart id, for a browser test to read the axes and scales as drawn.
    window.reportCharts[spec.id] = chart;
    el.setAttribute('data-drawn', 'true');
  }

  specs.forEach(function (spec) {
    try { build(spec); } catch (e) {
      var el = document.getElementById('chart-' + spec.id);
      if (el) el.textContent = 'chart failed: ' + e.message;
    }
  });

  // One chart per group at a time (price and markers per symbol), chosen in a select box.
  Array.prototype.forEach.call(document.querySelectorAll('select[data-group]'), function (sel) {
    function show() {
      Array.prototype.forEach.call(document.querySelectorAll('[data-member-of="' + sel.dataset.group + '"]'), function (fig) {
        fig.style.display = fig.dataset.member === sel.value ? '' : 'none';
      });
      charts.forEach(function (c) { c.chart.setSize({ width: width(c.el), height: c.chart.height }); });
    }
    sel.addEventListener('change', show);
    show();
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.chart.setSize({ width: width(c.el), height: c.chart.height }); });
  });

  // Sortable tables: click a header; numbers (with , % and units) sort as numbers, the rest as text.
  function key(text) {
    var n = parseFloat(text.replace(/[,%\s]/g, ''));
    return isNaN(n) || !/^[-+]?[\d.,]+/.test(text.trim()) ? text : n;
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('th'), function (th, col) {
      th.style.cursor = 'pointer';
      th.title = 'sort';
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
        Array.prototype.forEach.call(table.querySelectorAll('th'), function (h) { delete h.dataset.dir; });
        th.dataset.dir = dir;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col].textContent), y = key(b.cells[col].textContent);
          var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return dir === 'asc' ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.body.setAttribute('data-loaded', 'true');
})();
`;

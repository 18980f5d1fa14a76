// Sets the results of loopback.js and loopback_workloads side by side: prints the table and writes it as
// Markdown, with the date and the machine, for the README's Performance section.
//
//   node report.js RESULTS_DIR MARKDOWN_FILE
//
// RESULTS_DIR holds <side>-<connector>.json (side: loopback, tether; connector: memory, postgres), one object
// each as the two programs print it. The machine's description comes from compare.sh in TETHER_COMPARE_MACHINE.
'use strict';

const fs = require('fs');
const path = require('path');

const connectors = ['memory', 'postgres'];
const workloads = [
  ['seed', 'seed: bulk create 1,000 customers and N orders'],
  ['find', 'find all orders'],
  ['get_serial', 'uncached `get()` of every order, awaited one by one'],
  ['get_parallel', 'uncached `get()` of every order, all at once'],
  ['cached', 'cached synchronous `order.customer()` of every order'],
  ['include', 'find all orders with `include: customer`'],
  ['set', 'set `order.customer(c)` on every order'],
  ['refresh', '`get(refresh)` of 10% of the orders, one by one'],
  ['include_orders', 'find all customers with `include: orders` (hasMany)'],
  ['include_orders_top3', 'the same, each customer\'s 3 largest orders (scope `order`, `limit`)'],
];

function read(dir, side, connector) {
  return JSON.parse(fs.readFileSync(path.join(dir, side + '-' + connector + '.json'), 'utf8'));
}

function milliseconds(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(3);
}

function ratio(lb, tether) {
  const r = lb / tether;
  return (r >= 100 ? r.toFixed(0) : r.toFixed(1)) + '×';
}

/// The rows of one connector: [what, LoopBack, tether, ratio].
function rows(lb, tether) {
  const out = workloads.map(([key, what]) => [
    what.replace('N orders', tether.orders.toLocaleString('en-US') + ' orders (1% with a dangling key)'),
    milliseconds(lb.workloads[key]) + ' ms',
    milliseconds(tether.workloads[key]) + ' ms',
    ratio(lb.workloads[key], tether.workloads[key]),
  ]);
  const mb = (kb) => (kb / 1024).toFixed(0) + ' MB';
  out.push(['peak RSS of the process', mb(lb.peak_rss_kb), mb(tether.peak_rss_kb),
    ratio(lb.peak_rss_kb, tether.peak_rss_kb)]);
  out.push([
    'heap bytes per loaded order with its customer cached',
    lb.instance.heap_bytes.toFixed(0) + ' B (V8 heapUsed)',
    tether.instance.heap_bytes.toFixed(0) + ' B (sizeof ' + tether.instance.sizeof_order + ' B)',
    ratio(lb.instance.heap_bytes, tether.instance.heap_bytes),
  ]);
  return out;
}

function main() {
  const [dir, markdownFile] = process.argv.slice(2);
  if (!dir || !markdownFile) throw new Error('usage: node report.js RESULTS_DIR MARKDOWN_FILE');
  const header = ['workload', 'LoopBack', 'tether', 'LoopBack / tether'];
  const machine = process.env.TETHER_COMPARE_MACHINE || '';
  let text = '';
  let markdown = machine + '\n';
  for (const connector of connectors) {
    const lb = read(dir, 'loopback', connector);
    const tether = read(dir, 'tether', connector);
    const table = [header, ...rows(lb, tether)];
    const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
    text += '\n' + connector + ' (' + lb.runtime + '; ' + tether.runtime + ')\n';
    for (const row of table) text += row.map((cell, c) => cell.padEnd(widths[c])).join('  ') + '\n';
    markdown += '\n**' + connector + '**\n\n| ' + header.join(' | ') + ' |\n|---|---|---|---|\n';
    for (const row of table.slice(1)) markdown += '| ' + row.join(' | ') + ' |\n';
  }
  fs.writeFileSync(markdownFile, markdown);
  process.stdout.write(machine + '\n' + text + '\nMarkdown: ' + markdownFile + '\n');
}

main();

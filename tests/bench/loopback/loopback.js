// LoopBack 3's juggler doing the workloads of tests/bench/bench_workloads.cpp, on the same data, so that
// compare.sh can set the two side by side. One connector per process, so the peak RSS printed is this
// connector's alone.
//
//   node --expose-gc loopback.js memory
//   node --expose-gc loopback.js postgres "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//
// Prints one JSON object on stdout: {side, connector, orders, workloads: {name: ms}, peak_rss_kb, instance}.
// TETHER_COMPARE_ORDERS overrides the number of orders (100,000), for a quick try.
'use strict';

const {DataSource} = require('loopback-datasource-juggler');
const {performance} = require('perf_hooks');

const customerCount = 1000;
const orderCount = Number(process.env.TETHER_COMPARE_ORDERS || 100000);
// LoopBack's PostgreSQL createAll sends every row in one INSERT, and the server takes at most 65,535
// parameters per statement; 10,000 orders of 3 values stay well below.
const insertBatch = 10000;
const poolSize = 8;  // tether::postgres's default pool

/// The libpq key=value connection string compare.sh reads from the server's conninfo file, as pg settings.
function postgresSettings(conninfo) {
  const settings = {connector: require('loopback-connector-postgresql'), max: poolSize};
  for (const [, key, value] of conninfo.matchAll(/(\w+)=(\S+)/g)) {
    if (key === 'dbname') settings.database = value;
    else if (key === 'port') settings.port = Number(value);
    else settings[key] = value;
  }
  return settings;
}

/// Runs `work` once and returns its wall time in milliseconds.
async function timed(work) {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/// LoopBack's callback form of the relation, awaited: order.customer(cb), order.customer(true, cb).
function load(order, refresh) {
  return new Promise((resolve, reject) => {
    const done = (err, customer) => (err ? reject(err) : resolve(customer));
    if (refresh) order.customer(true, done);
    else order.customer(done);
  });
}

function expect(condition, what) {
  if (!condition) throw new Error('loopback.js: wrong result: ' + what);
}

async function main() {
  const [connector, conninfo] = process.argv.slice(2);
  if (connector !== 'memory' && !(connector === 'postgres' && conninfo)) {
    throw new Error('usage: node --expose-gc loopback.js memory | postgres CONNINFO');
  }
  if (typeof global.gc !== 'function') throw new Error('loopback.js needs node --expose-gc');
  const ds = new DataSource(connector === 'memory' ? {connector: 'memory'} : postgresSettings(conninfo));
  const Customer = ds.define('Customer', {id: {type: Number, id: true, generated: true}, name: String});
  const Order = ds.define('Order', {id: {type: Number, id: true, generated: true}, amount: Number});
  Order.belongsTo(Customer, {as: 'customer', foreignKey: 'customerId'});
  Customer.hasMany(Order, {as: 'orders', foreignKey: 'customerId'});
  await ds.automigrate(['Customer', 'Order']);

  const workloads = {};
  const instance = {};
  const withCustomer = orderCount - Math.ceil(orderCount / 100);

  // 1% of the orders (every 100th) point at a customer that does not exist: LoopBack has no integrity.
  const customerRows = Array.from({length: customerCount}, (_, n) => ({name: 'Customer number ' + n}));
  const orderRows = Array.from({length: orderCount}, (_, n) => ({
    amount: n,
    customerId: n % 100 === 0 ? 1000000 + n : 1 + (n % customerCount),
  }));
  let customers;
  workloads.seed = await timed(async () => {
    customers = await Customer.createAll(customerRows);
    for (let first = 0; first < orderRows.length; first += insertBatch) {
      await Order.createAll(orderRows.slice(first, first + insertBatch));
    }
  });
  expect(customers.length === customerCount && customers[0].id === 1, 'seed');
  // As tether's side does: fresh statistics, so neither side's lookups meet autovacuum working on the seed.
  if (connector === 'postgres') {
    await new Promise((resolve, reject) =>
      ds.connector.execute('VACUUM ANALYZE', [], (err) => (err ? reject(err) : resolve())));
  }

  let orders;
  workloads.find = await timed(async () => {
    orders = await Order.find({order: 'id ASC'});
  });
  expect(orders.length === orderCount, 'find');

  let found = 0;
  workloads.get_serial = await timed(async () => {
    for (const order of orders) if (await load(order, false)) ++found;
  });
  expect(found === withCustomer, 'get one by one: ' + found);

  // Dangling keys were loaded as "no customer" and are not cached, as in LoopBack; count the cached ones.
  found = 0;
  workloads.cached = await timed(() => {
    for (const order of orders) if (order.customer()) ++found;
  });
  expect(found === withCustomer, 'cached read: ' + found);

  orders = await Order.find({order: 'id ASC'});
  workloads.get_parallel = await timed(async () => {
    const loaded = await Promise.all(orders.map((order) => load(order, false)));
    found = loaded.filter(Boolean).length;
  });
  expect(found === withCustomer, 'get all at once: ' + found);
  orders = null;

  // Bytes per loaded order with its customer cached: the V8 heap this include's result holds, after collection.
  // (Not the RSS delta: V8 keeps the pages the earlier workloads freed, so RSS hardly moves.)
  global.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  workloads.include = await timed(async () => {
    orders = await Order.find({order: 'id ASC', include: 'customer'});
  });
  global.gc();
  instance.heap_bytes = (process.memoryUsage().heapUsed - heapBefore) / orders.length;
  expect(orders.length === orderCount && orders[1].customer() && !orders[0].customer(), 'include');

  workloads.set = await timed(() => {
    orders.forEach((order, n) => order.customer(customers[(n + 1) % customerCount]));
  });
  expect(orders[0].customerId === 2 && orders[0].customer() === customers[1], 'set');

  found = 0;
  workloads.refresh = await timed(async () => {
    for (let n = 0; n < orders.length; n += 10) if (await load(orders[n], true)) ++found;
  });
  expect(found === Math.ceil(orderCount / 10), 'refresh: ' + found);

  // The reflection: every customer with its orders, then with its three largest (a scope with a limit, for which
  // LoopBack 3 sends a query per customer). Checked on customer 2, whose orders have no dangling key among them.
  const ofSecond = orderRows.filter((row) => row.customerId === 2);
  let withOrders;
  workloads.include_orders = await timed(async () => {
    withOrders = await Customer.find({order: 'id ASC', include: 'orders'});
  });
  expect(withOrders.length === customerCount && withOrders[1].orders().length === ofSecond.length,
    'include orders');
  workloads.include_orders_top3 = await timed(async () => {
    withOrders = await Customer.find({
      order: 'id ASC',
      include: {relation: 'orders', scope: {order: 'amount DESC', limit: 3}},
    });
  });
  expect(withOrders.length === customerCount && withOrders[1].orders().length === Math.min(3, ofSecond.length) &&
    withOrders[1].orders()[0].amount === ofSecond[ofSecond.length - 1].amount, 'include orders, top 3');

  await ds.disconnect();
  const result = {
    side: 'loopback',
    connector,
    orders: orderCount,
    workloads,
    peak_rss_kb: process.resourceUsage().maxRSS,
    instance,
    runtime: 'Node.js ' + process.version + ', loopback-datasource-juggler ' +
      require('loopback-datasource-juggler/package.json').version,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

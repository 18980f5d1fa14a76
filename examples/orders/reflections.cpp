// The reflections of Order's belongsTo, from the LoopBack documentation's hasMany and hasOne pages: a Customer
// has many Orders and has one Address. https://loopback.io/doc/en/lb3/HasMany-relations.html,
// https://loopback.io/doc/en/lb3/HasOne-relations.html
//
// Each run makes two customers of its own, Ann and Bob, and shows only their rows, so that a store kept from
// earlier runs (orders.db) changes nothing that is printed but the ids.

#include "reflections.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace {

Order order_for(const Customer& customer, std::string description, double amount) {
  Order o{};
  o.description = std::move(description);
  o.amount = amount;
  o.customer = customer.id;
  return o;
}

Address address_at(std::string street, std::string city) {
  Address a{};
  a.street = std::move(street);
  a.city = std::move(city);
  return a;
}

/// "Ink 25.00, Paper 12.00"
std::string list(const std::vector<Order>& orders) {
  std::string out;
  for (const auto& o : orders) {
    char amount[32];
    std::snprintf(amount, sizeof amount, " %.2f", o.amount);
    out += (out.empty() ? "" : ", ") + o.description + amount;
  }
  return out.empty() ? "none" : out;
}

std::string street_of(const std::shared_ptr<Address>& a) { return a ? a->street + ", " + a->city : "no address"; }

}  // namespace

void show_reflections(tether::repository<Customer> customers, tether::repository<Order> orders,
                      tether::repository<Address> addresses, const std::atomic<int>& round_trips) {
  std::printf("\nhasMany and hasOne: the customer's side of the same keys\n");
  Customer ann{0, "Ann Lee", "ann@example.com", {}, {}};
  Customer bob{0, "Bob Stone", std::nullopt, {}, {}};
  customers.create(ann);
  customers.create(bob);

  // customer.orders.create sets the order's customerId to Ann's id and creates it.
  for (auto order : {order_for(ann, "Paper", 12.00), order_for(ann, "Ink", 25.00), order_for(ann, "Clips", 1.50)}) {
    const Order created = ann.orders.create(order);
    std::printf("ann.orders.create(): order %lld, %s, customerId %lld\n", static_cast<long long>(created.id),
                created.description.c_str(), static_cast<long long>(*created.customer.key()));
  }
  Order bobs = order_for(bob, "Envelopes", 7.25);
  orders.create(bobs);  // the same link, made from the belongsTo side

  // The accessor: the cached read never does I/O; get() loads every order whose customerId is Ann's id.
  std::printf("ann.orders() before get(): %s (loaded: %s)\n", ann.orders() ? "cached" : "nothing",
              ann.orders.loaded() ? "yes" : "no");
  int before = round_trips;
  std::shared_ptr<const std::vector<Order>> mine = ann.orders.get().get();
  std::printf("ann.orders.get(): %s, in %d round trip\n", list(*mine).c_str(), round_trips - before);
  std::printf("ann.orders() after get(): the same snapshot (%s), no I/O\n", ann.orders() == mine ? "yes" : "no");

  // A cache is a snapshot: an order created through the repository is not in it until a refresh.
  Order stamps = order_for(ann, "Stamps", 3.20);
  orders.create(stamps);
  std::printf("after orders.create(stamps), the snapshot still holds %zu orders; get(tether::refresh): %s\n",
              mine->size(), list(*ann.orders.get(tether::refresh).get()).c_str());

  // A filter narrows this customer's orders; a narrowed answer leaves the cache alone.
  auto large = ann.orders.get(tether::filter{}.where("amount", tether::gt(5)).order("amount DESC")).get();
  std::printf("ann.orders.get(amount > 5, largest first): %s; the cache still holds %zu\n", list(*large).c_str(),
              ann.orders()->size());

  // One-to-one: a has_one makes Address.customer unique, whichever way a second address arrives.
  Address first = address_at("1 Main Street", "Springfield");
  auto home = ann.address.create(first);
  std::printf("ann.address.create(): address %lld, %s\n", static_cast<long long>(home->id), street_of(home).c_str());
  try {
    Address second = address_at("2 Side Street", "Shelbyville");
    ann.address.create(second);
  } catch (const tether::constraint_error& e) {
    std::printf("a second address through the relation is refused: %s\n", e.what());
  }
  try {
    Address third = address_at("3 Back Lane", "Ogdenville");
    third.customer = ann.id;
    addresses.create(third);  // LoopBack accepts this one; tether's unique key does not
  } catch (const tether::constraint_error& e) {
    std::printf("and through the repository: %s\n", e.what());
  }
  std::printf("ann.address.get(): %s\n", street_of(ann.address.get().get()).c_str());

  const auto this_run = tether::where("id", tether::inq({ann.id, bob.id}));

  // include from the customers: two relations, one batched query each, every customer loaded.
  before = round_trips;
  auto people = customers.find(tether::filter{}.where(this_run).include("orders").include("address"));
  std::printf("customers.find(include orders, address): %d round trips\n", round_trips - before);
  for (const auto& c : people)
    std::printf("  %s: %s; %s\n", c.name.c_str(), list(*c.orders()).c_str(), street_of(c.address()).c_str());
  std::printf("  as JSON: %s\n", nlohmann::json(people.back()).dump().c_str());

  // include from the orders, and back again: each order's customer, with that customer's orders.
  before = round_trips;
  auto placed = orders.find(tether::filter::parse(R"({"include": {"customer": "orders"}, "order": "amount DESC"})")
                                .where("customerId", tether::inq({ann.id, bob.id})));
  std::printf("orders.find({\"include\": {\"customer\": \"orders\"}}): %d round trips\n", round_trips - before);
  for (const auto& o : placed)
    std::printf("  %s: %s, who has %zu orders\n", o.description.c_str(), o.customer()->name.c_str(),
                o.customer()->orders()->size());
  std::printf("  Ann's orders share one Customer object: %s\n",
              placed[0].customer() == placed[1].customer() ? "yes" : "no");

  // A has_many scope's order and limit apply per customer, still in one query for all of them.
  before = round_trips;
  auto top = customers.find(tether::filter{}.where(this_run).include(
      "orders", tether::filter{}.order("amount DESC").limit(2)));
  std::printf("customers.find(include orders, scope: amount DESC, limit 2): %d round trips\n",
              round_trips - before);
  for (const auto& c : top) std::printf("  %s's two largest: %s\n", c.name.c_str(), list(*c.orders()).c_str());
}

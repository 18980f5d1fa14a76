// Referential integrity (docs/integrity.md), on the memory connector: keys must match a target,
// referenced targets are protected or followed as on_delete says, through chains, self-references, several
// relations to one target, a primary_key other than the id, and loose (no_constraint) links.

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "semantic.hpp"
#include "support/models.hpp"

namespace semantic_integrity {

namespace {

using tether_test::Customer;
using tether_test::Note;
using tether_test::Visit;
using tether_test::Newsletter;
using tether_test::Account;
using tether_test::Project;
using tether_test::Invoice;

// Default on_delete: restrict.
struct Order {
  BOOST_HANA_DEFINE_STRUCT(Order,
      (std::int64_t, id),
      (double, amount),
      (tether::belongs_to<Customer>, customer));
};

struct Ticket {
  BOOST_HANA_DEFINE_STRUCT(Ticket,
      (std::int64_t, id),
      (std::string, subject),
      (tether::belongs_to<Customer, tether::on_delete<tether::set_null>>, customer));
};

// Two relations to one target.
struct Shipment {
  BOOST_HANA_DEFINE_STRUCT(Shipment,
      (std::int64_t, id),
      (tether::belongs_to<Customer>, billing),
      (tether::belongs_to<Customer>, shipping));
};

// A chain: Account <- Project (cascade) <- Task (cascade), and Project <- Invoice (restrict).
struct Task {
  BOOST_HANA_DEFINE_STRUCT(Task,
      (std::int64_t, id),
      (std::string, title),
      (tether::belongs_to<Project, tether::on_delete<tether::cascade>>, project));
};

// Self-references: removing a manager removes the reports; a mentor with mentees cannot be removed.
struct Employee {
  BOOST_HANA_DEFINE_STRUCT(Employee,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Employee, tether::key_type<std::int64_t>, tether::on_delete<tether::cascade>>, manager));
};

struct Mentor {
  BOOST_HANA_DEFINE_STRUCT(Mentor,
      (std::int64_t, id),
      (std::string, name),
      (tether::belongs_to<Mentor, tether::key_type<std::int64_t>>, mentor));
};

template <class Error, class F>
std::string message_of(F&& operation) {
  try {
    operation();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("the operation did not throw the expected error");
  return {};
}

template <class Row>
std::vector<std::int64_t> ids_of(const std::vector<Row>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) ids.push_back(row.id);
  return ids;
}

using ids = std::vector<std::int64_t>;

template <class M>
M created(tether::repository<M> repo, M row) {
  repo.create(row);
  return row;
}

Customer customer(std::string name, std::optional<std::string> email = std::nullopt) {
  return Customer{0, std::move(name), std::move(email)};
}

Order order_for(std::optional<std::int64_t> customer_id, double amount = 10.0) {
  Order o{};
  o.amount = amount;
  o.customer = customer_id;
  return o;
}

template <class M>
M named(std::string name, std::optional<std::int64_t> parent) {
  M row{};
  row.name = std::move(name);
  if constexpr (requires(M& r) { r.manager; }) row.manager = parent;
  else row.mentor = parent;
  return row;
}

}  // namespace

// --- keys must match a target ----------------------------------------------------------------------------------

TEST_CASE("creating a row whose key matches no target is a constraint_error naming model, relation and key") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto orders = db.repository<Order>();
  Order dangling = order_for(99);

  const auto message = message_of<tether::constraint_error>([&] { orders.create(dangling); });

  CHECK_THAT(message, Catch::Contains("Order") && Catch::Contains("customer") && Catch::Contains("99"));
}

TEST_CASE("a refused create stores nothing and leaves the passed row's id unset") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto orders = db.repository<Order>();
  Order dangling = order_for(99);

  CHECK_THROWS_AS(orders.create(dangling), tether::constraint_error);

  CHECK(dangling.id == 0);
  CHECK(dangling.customer.key() == 99);
  CHECK(orders.count() == 0u);
}

TEST_CASE("creating a row whose key matches a target succeeds") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), customer("Alice"));
  auto orders = db.repository<Order>();
  Order o = order_for(alice.id);

  orders.create(o);

  CHECK(o.id == 1);
  CHECK(orders.find_by_id(1)->customer.key() == alice.id);
}

TEST_CASE("a null key needs no target") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto orders = db.repository<Order>();
  Order o = order_for(std::nullopt);

  orders.create(o);

  CHECK(orders.count() == 1u);
  CHECK_FALSE(orders.find_by_id(o.id)->customer.key().has_value());
}

TEST_CASE("a key of 0 is an ordinary key and must match a target") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto orders = db.repository<Order>();
  Order o = order_for(0);

  CHECK_THROWS_AS(orders.create(o), tether::constraint_error);
  CHECK(orders.count() == 0u);
}

TEST_CASE("updating a row to a key that matches no target is a constraint_error and changes nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), customer("Alice"));
  auto orders = db.repository<Order>();
  Order o = created(orders, order_for(alice.id, 10.0));

  o.customer = 42;
  o.amount = 99.0;
  const auto message = message_of<tether::constraint_error>([&] { orders.update(o); });

  CHECK_THAT(message, Catch::Contains("Order") && Catch::Contains("customer") && Catch::Contains("42"));
  const auto stored = orders.find_by_id(o.id);
  REQUIRE(stored);
  CHECK(stored->customer.key() == alice.id);
  CHECK(stored->amount == 10.0);
}

TEST_CASE("a refused row in a bulk create stores none of the rows") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  const auto alice = created(db.repository<Customer>(), customer("Alice"));
  auto orders = db.repository<Order>();
  std::vector<Order> batch{order_for(alice.id), order_for(7), order_for(alice.id)};

  CHECK_THROWS_AS(orders.create(batch), tether::constraint_error);

  CHECK(orders.count() == 0u);
  CHECK(batch[0].id == 0);
  CHECK(batch[2].id == 0);
}

// --- removing a referenced target ------------------------------------------------------------------------------

TEST_CASE("removing a target that rows reference is refused by default (restrict) and removes nothing") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  auto orders = db.repository<Order>();
  const auto o = created(orders, order_for(alice.id));

  const auto message = message_of<tether::constraint_error>([&] { customers.remove_by_id(alice.id); });

  CHECK_THAT(message, Catch::Contains("Customer") && Catch::Contains("Order") && Catch::Contains("customer"));
  CHECK(customers.find_by_id(alice.id).has_value());
  REQUIRE(orders.find_by_id(o.id));
  CHECK(orders.find_by_id(o.id)->customer.key() == alice.id);
}

TEST_CASE("removing a target no row references is allowed under restrict") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  const auto bob = created(customers, customer("Bob"));
  (void)created(db.repository<Order>(), order_for(alice.id));

  CHECK(customers.remove_by_id(bob.id));
  CHECK(ids_of(customers.find()) == ids{alice.id});
}

TEST_CASE("once its rows are relinked, a target can be removed under restrict") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Order>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  const auto bob = created(customers, customer("Bob"));
  auto orders = db.repository<Order>();
  auto o = created(orders, order_for(alice.id));

  o.customer = bob.id;
  orders.update(o);

  CHECK(customers.remove_by_id(alice.id));
  CHECK_THROWS_AS(customers.remove_by_id(bob.id), tether::constraint_error);
}

TEST_CASE("on_delete<cascade> removes the referencing rows with the target") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Note>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  const auto bob = created(customers, customer("Bob"));
  auto notes = db.repository<Note>();
  for (auto [text, owner] : {std::pair{"a1", alice.id}, std::pair{"b1", bob.id}, std::pair{"a2", alice.id}}) {
    Note n{};
    n.text = text;
    n.customer = owner;
    notes.create(n);
  }

  CHECK(customers.remove_by_id(alice.id));

  CHECK_FALSE(customers.find_by_id(alice.id).has_value());
  const auto left = notes.find();
  REQUIRE(left.size() == 1u);
  CHECK(left[0].text == "b1");
  CHECK(left[0].customer.key() == bob.id);
}

TEST_CASE("on_delete<set_null> clears the referencing rows' keys and keeps the rows") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Ticket>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  const auto bob = created(customers, customer("Bob"));
  auto tickets = db.repository<Ticket>();
  for (auto [subject, owner] : {std::pair{"a1", alice.id}, std::pair{"b1", bob.id}, std::pair{"a2", alice.id}}) {
    Ticket t{};
    t.subject = subject;
    t.customer = owner;
    tickets.create(t);
  }

  CHECK(customers.remove_by_id(alice.id));

  CHECK_FALSE(customers.find_by_id(alice.id).has_value());
  const auto rows = tickets.find();
  REQUIRE(rows.size() == 3u);
  CHECK_FALSE(rows[0].customer.key().has_value());
  CHECK(rows[1].customer.key() == bob.id);
  CHECK_FALSE(rows[2].customer.key().has_value());
  CHECK(tickets.count(tether::where("customerId", nullptr)) == 2u);
}

// --- chains ----------------------------------------------------------------------------------------------------

TEST_CASE("cascade follows a chain, removing every level below the target") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Account, Project, Task>();
  auto accounts = db.repository<Account>();
  auto projects = db.repository<Project>();
  auto tasks = db.repository<Task>();
  const auto acme = created(accounts, Account{0, "Acme"});
  const auto other = created(accounts, Account{0, "Other"});
  Project p1{0, "p1", {}};
  p1.account = acme.id;
  Project p2{0, "p2", {}};
  p2.account = other.id;
  projects.create(p1);
  projects.create(p2);
  for (auto [title, project] : {std::pair{"t1", p1.id}, std::pair{"t2", p1.id}, std::pair{"t3", p2.id}}) {
    Task t{0, title, {}};
    t.project = project;
    tasks.create(t);
  }

  CHECK(accounts.remove_by_id(acme.id));

  CHECK(ids_of(accounts.find()) == ids{other.id});
  CHECK(ids_of(projects.find()) == ids{p2.id});
  const auto left = tasks.find();
  REQUIRE(left.size() == 1u);
  CHECK(left[0].title == "t3");
}

TEST_CASE("a restrict anywhere below a cascade refuses the whole removal and removes nothing at any level") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Account, Project, Task, Invoice>();
  auto accounts = db.repository<Account>();
  auto projects = db.repository<Project>();
  auto tasks = db.repository<Task>();
  auto invoices = db.repository<Invoice>();
  const auto acme = created(accounts, Account{0, "Acme"});
  // Two projects, each with a task; only the second has an invoice, so the cascade gets some way before
  // it meets the restrict.
  std::vector<std::int64_t> project_ids;
  for (const char* name : {"p1", "p2"}) {
    Project p{0, name, {}};
    p.account = acme.id;
    projects.create(p);
    project_ids.push_back(p.id);
    Task t{0, std::string("task of ") + name, {}};
    t.project = p.id;
    tasks.create(t);
  }
  Invoice invoice{0, "INV-1", {}};
  invoice.project = project_ids[1];
  invoices.create(invoice);

  const auto message = message_of<tether::constraint_error>([&] { accounts.remove_by_id(acme.id); });

  CHECK_THAT(message, Catch::Contains("Invoice") && Catch::Contains("project"));
  // Every connector names the removal asked for, the row it cascaded to that cannot go, and who holds on to it.
  CHECK_THAT(message, Catch::StartsWith("tether: cannot remove Account id " + std::to_string(acme.id) +
                                        ": it cascades to Project, and cannot remove Project id " +
                                        std::to_string(project_ids[1]) +
                                        ": Invoice.projectId references it from 1 row (Invoice id " +
                                        std::to_string(invoice.id) + ")"));
  CHECK(accounts.count() == 1u);
  CHECK(ids_of(projects.find()) == project_ids);
  CHECK(tasks.count() == 2u);
  CHECK(invoices.count() == 1u);
  for (const auto& t : tasks.find()) CHECK(t.project.key().has_value());
}

// --- loose links -----------------------------------------------------------------------------------------------

TEST_CASE("a no_constraint relation accepts a key that matches no target") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Visit>();
  auto visits = db.repository<Visit>();
  Visit v{};
  v.page = "/home";
  v.customer = 404;

  visits.create(v);

  CHECK(v.id == 1);
  CHECK(visits.find_by_id(v.id)->customer.key() == 404);
}

TEST_CASE("a target referenced through no_constraint can be removed, leaving the key dangling") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Visit>();
  auto customers = db.repository<Customer>();
  const auto alice = created(customers, customer("Alice"));
  auto visits = db.repository<Visit>();
  Visit v{};
  v.page = "/home";
  v.customer = alice.id;
  visits.create(v);

  CHECK(customers.remove_by_id(alice.id));

  CHECK(customers.count() == 0u);
  CHECK(visits.find_by_id(v.id)->customer.key() == alice.id);
}

// --- primary_key other than the id -----------------------------------------------------------------------------

TEST_CASE("with primary_key<\"email\">, the key must be an existing target's email") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  (void)created(customers, customer("Ann", "ann@example.com"));
  auto newsletters = db.repository<Newsletter>();
  Newsletter good{};
  good.topic = "news";
  good.subscriber = "ann@example.com";
  Newsletter bad{};
  bad.topic = "news";
  bad.subscriber = "nobody@example.com";

  newsletters.create(good);
  const auto message = message_of<tether::constraint_error>([&] { newsletters.create(bad); });

  CHECK(good.id == 1);
  CHECK(bad.id == 0);
  CHECK_THAT(message, Catch::Contains("Newsletter") && Catch::Contains("subscriber") &&
                          Catch::Contains("nobody@example.com"));
  CHECK(newsletters.count() == 1u);
}

TEST_CASE("with primary_key<\"email\">, an id that equals a key is no match") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  const auto ann = created(db.repository<Customer>(), customer("Ann", "ann@example.com"));
  auto newsletters = db.repository<Newsletter>();
  Newsletter n{};
  n.topic = "news";
  n.subscriber = std::to_string(ann.id);  // "1": an id, not an email

  CHECK_THROWS_AS(newsletters.create(n), tether::constraint_error);
}

TEST_CASE("changing a referenced email while rows reference it is a constraint_error") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  auto ann = created(customers, customer("Ann", "ann@example.com"));
  auto newsletters = db.repository<Newsletter>();
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "ann@example.com";
  newsletters.create(n);

  ann.email = "ann@example.org";
  const auto message = message_of<tether::constraint_error>([&] { customers.update(ann); });

  CHECK_THAT(message, Catch::Contains("Customer") && Catch::Contains("email"));
  CHECK(customers.find_by_id(ann.id)->email == "ann@example.com");
}

TEST_CASE("clearing a referenced email while rows reference it is a constraint_error") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  auto ann = created(customers, customer("Ann", "ann@example.com"));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "ann@example.com";
  db.repository<Newsletter>().create(n);

  ann.email = std::nullopt;
  CHECK_THROWS_AS(customers.update(ann), tether::constraint_error);
  CHECK(customers.find_by_id(ann.id)->email == "ann@example.com");
}

TEST_CASE("an email no row references may change, and other properties of a referenced target may too") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  auto ann = created(customers, customer("Ann", "ann@example.com"));
  auto bea = created(customers, customer("Bea", "bea@example.com"));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "ann@example.com";
  db.repository<Newsletter>().create(n);

  bea.email = "bea@example.org";
  customers.update(bea);
  ann.name = "Ann Smith";
  customers.update(ann);

  CHECK(customers.find_by_id(bea.id)->email == "bea@example.org");
  CHECK(customers.find_by_id(ann.id)->name == "Ann Smith");
}

TEST_CASE("removing a target referenced by email is refused under restrict") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  const auto ann = created(customers, customer("Ann", "ann@example.com"));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "ann@example.com";
  db.repository<Newsletter>().create(n);

  CHECK_THROWS_AS(customers.remove_by_id(ann.id), tether::constraint_error);
  CHECK(customers.count() == 1u);
}

// --- self-references -------------------------------------------------------------------------------------------

TEST_CASE("a self-referencing cascade removes reports through several levels and nothing else") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Employee>();
  auto employees = db.repository<Employee>();
  const auto ceo = created(employees, named<Employee>("ceo", std::nullopt));
  const auto vp = created(employees, named<Employee>("vp", ceo.id));
  const auto lead = created(employees, named<Employee>("lead", vp.id));
  const auto dev1 = created(employees, named<Employee>("dev1", lead.id));
  const auto dev2 = created(employees, named<Employee>("dev2", lead.id));
  const auto founder = created(employees, named<Employee>("founder", std::nullopt));
  const auto assistant = created(employees, named<Employee>("assistant", founder.id));
  (void)dev1;
  (void)dev2;

  CHECK(employees.remove_by_id(vp.id));

  CHECK(ids_of(employees.find()) == ids{ceo.id, founder.id, assistant.id});
}

TEST_CASE("a self-referencing key must match an existing row") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Employee>();
  auto employees = db.repository<Employee>();
  Employee orphan = named<Employee>("orphan", 77);

  CHECK_THROWS_AS(employees.create(orphan), tether::constraint_error);
  CHECK(orphan.id == 0);
  CHECK(employees.count() == 0u);
}

TEST_CASE("a self-referencing cascade cycle removes every row of the cycle") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Employee>();
  auto employees = db.repository<Employee>();
  auto a = created(employees, named<Employee>("a", std::nullopt));
  const auto b = created(employees, named<Employee>("b", a.id));
  a.manager = b.id;  // a and b manage each other
  employees.update(a);
  const auto c = created(employees, named<Employee>("c", std::nullopt));

  CHECK(employees.remove_by_id(a.id));

  CHECK(ids_of(employees.find()) == ids{c.id});
}

TEST_CASE("a self-referencing restrict refuses to remove a row others still reference") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Mentor>();
  auto mentors = db.repository<Mentor>();
  const auto senior = created(mentors, named<Mentor>("senior", std::nullopt));
  const auto junior = created(mentors, named<Mentor>("junior", senior.id));

  CHECK_THROWS_AS(mentors.remove_by_id(senior.id), tether::constraint_error);
  CHECK(mentors.count() == 2u);
  CHECK(mentors.remove_by_id(junior.id));
  CHECK(mentors.remove_by_id(senior.id));
}

// --- two relations to one target -------------------------------------------------------------------------------

TEST_CASE("two relations to one target keep their keys apart") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Shipment>();
  auto customers = db.repository<Customer>();
  const auto payer = created(customers, customer("Payer"));
  const auto receiver = created(customers, customer("Receiver"));
  auto shipments = db.repository<Shipment>();
  Shipment s{};
  s.billing = payer.id;
  s.shipping = receiver.id;

  shipments.create(s);

  const auto stored = shipments.find_by_id(s.id);
  REQUIRE(stored);
  CHECK(stored->billing.key() == payer.id);
  CHECK(stored->shipping.key() == receiver.id);
  CHECK(shipments.count(tether::where("shippingId", receiver.id)) == 1u);
  CHECK(shipments.count(tether::where("billingId", receiver.id)) == 0u);
}

TEST_CASE("each of two relations to one target is checked, and the error names the one that fails") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Shipment>();
  const auto payer = created(db.repository<Customer>(), customer("Payer"));
  auto shipments = db.repository<Shipment>();
  Shipment s{};
  s.billing = payer.id;
  s.shipping = 31;

  const auto message = message_of<tether::constraint_error>([&] { shipments.create(s); });

  CHECK_THAT(message, Catch::Contains("Shipment") && Catch::Contains("shipping") && Catch::Contains("31"));
  CHECK(shipments.count() == 0u);
}

TEST_CASE("a target referenced through the second of two relations is protected too") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Shipment>();
  auto customers = db.repository<Customer>();
  const auto payer = created(customers, customer("Payer"));
  const auto receiver = created(customers, customer("Receiver"));
  Shipment s{};
  s.billing = payer.id;
  s.shipping = receiver.id;
  db.repository<Shipment>().create(s);

  const auto message = message_of<tether::constraint_error>([&] { customers.remove_by_id(receiver.id); });

  CHECK_THAT(message, Catch::Contains("shipping"));
  CHECK(customers.count() == 2u);
  CHECK_THROWS_AS(customers.remove_by_id(payer.id), tether::constraint_error);
}

TEST_CASE("a primary_key target property is unique and cannot change while referenced") {
  tether_test::datasource db{tether_test::make_connector()};
  db.automigrate<Customer, Newsletter>();
  auto customers = db.repository<Customer>();
  auto alice = created(customers, Customer{0, "Alice", "alice@example.com"});
  Customer twin{0, "Twin", "alice@example.com"};
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.create(twin); }),
             Catch::Contains("Customer.email") && Catch::Contains("unique"));
  Newsletter n{};
  n.topic = "news";
  n.subscriber = "alice@example.com";
  db.repository<Newsletter>().create(n);
  Newsletter stray{};
  stray.subscriber = "nobody@example.com";
  CHECK_THAT(message_of<tether::constraint_error>([&] { db.repository<Newsletter>().create(stray); }),
             Catch::Contains("Newsletter.subscriber") && Catch::Contains("nobody@example.com"));
  alice.email = "new@example.com";
  CHECK_THAT(message_of<tether::constraint_error>([&] { customers.update(alice); }),
             Catch::Contains("cannot change Customer.email") && Catch::Contains("Newsletter.subscriberId"));
  CHECK(customers.find_by_id(alice.id)->email == "alice@example.com");
}

}  // namespace semantic_integrity

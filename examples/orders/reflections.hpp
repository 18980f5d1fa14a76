#ifndef TETHER_EXAMPLE_ORDERS_REFLECTIONS_HPP
#define TETHER_EXAMPLE_ORDERS_REFLECTIONS_HPP

#include <atomic>

#include <tether/tether.hpp>

#include "models.hpp"

/// The other side of Order's belongsTo: a customer's orders (hasMany) and its one address (hasOne), through
/// their accessors and through include in both directions. Repositories are the same type on every connector,
/// so this part is compiled once. `round_trips` counts the datasource's round trips (its on_query).
void show_reflections(tether::repository<Customer> customers, tether::repository<Order> orders,
                      tether::repository<Address> addresses, const std::atomic<int>& round_trips);

#endif

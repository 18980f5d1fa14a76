// expect-success
#include <tether/tether.hpp>

int main() {}

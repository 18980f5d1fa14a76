#ifndef TETHER_DETAIL_CONFIG_HPP
#define TETHER_DETAIL_CONFIG_HPP

/// @file
/// Header-only or separately compiled (docs/separate-compilation.md).
///
/// By default tether is header-only: the engine's functions are `inline` and every translation unit that calls
/// one compiles it. Defining TETHER_SEPARATE_COMPILATION for the whole program (the `tether::compiled` CMake
/// target does) leaves only their declarations in the headers; one source file that includes
/// <tether/src.hpp> compiles them, once. Every translation unit of a program must agree on the macro.

#ifdef TETHER_SEPARATE_COMPILATION
#define TETHER_DECL
#else
#define TETHER_DECL inline
#endif

#endif

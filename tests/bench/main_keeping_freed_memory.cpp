// The main() of every benchmark. Most iterations allocate and free large blocks (vectors of 10,000 to 100,000
// rows): glibc would hand such blocks back to the system and fault them in again each time, at a cost that
// varies from run to run; keeping freed memory in the process makes the ratios repeatable (measured: bench_include
// moved between 0.8 and 1.7 without this, bench_memory_get spent a third of its time in page faults).

#include <benchmark/benchmark.h>
#include <malloc.h>

int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

package index

// ProcessCPU lets the benchmarks of package index_test read the process's
// CPU clock.
var ProcessCPU = processCPU

"""The scenarios of the benchmark, one function each, each returning its report section."""

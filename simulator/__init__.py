"""A simulated company and a simulated SendGrid: the demo's data and the benchmarks' load."""

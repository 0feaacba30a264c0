"""What drives a real mailpulse from outside, for the tests and the benchmarks alike: a server
process, Debian's Chromium, and drills (SIGKILLs under ingest, floods of forgeries, readers)."""

"""Use-cases. Each takes a Session and an Actor, calls the domain, never commits."""

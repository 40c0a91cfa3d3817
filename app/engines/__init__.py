"""Engine adapters, outside the pure domain: the rule engine (durable-rules, app.engines.rulesengine)
and the matchers the domain is given — app.engines.routing for app.domain.routing.router.Router,
app.engines.supervision for app.domain.supervision.evaluate."""

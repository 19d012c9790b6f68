"""`theodoi simulate`: a province year run through the service layer on a fast clock, then proven.

Simulated people (VP specialists and leadership, the Chairman, each unit's leader and staff) act on their
user tasks through the same service functions the web uses; the clock jumps event by event to the next
due timer or the next scripted action, and the timer sweep runs after every move. At the end the
invariants (engine.simulation.invariants) are checked against the simulation's own ledger of what
people did, never against the engine's own reports."""

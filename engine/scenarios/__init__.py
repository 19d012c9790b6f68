"""Scenario files: analysts' tests of the diagrams, written as data beside them (processes/tests/*.yaml)."""

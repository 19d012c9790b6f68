"""The only package that imports SpiffWorkflow: loader, script engine, serializer, runner."""

"""anytoken's developer tooling, apart from the runtime: the local emulator, the conformance suite, pytest fixtures,
the plugin scaffold, the OpenAPI slicer, spec drift and spec fuzzing, and the demo.

Nothing in the runtime (``import anytoken; anytoken.create_token(...)``) imports this package; see
docs/architecture.md for the layers and ``tests/core/test_layering.py`` for the test that pins them.
"""

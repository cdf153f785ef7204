"""Structured output: ``schema=`` in, a validated object on ``Response.parsed`` out.

``schema`` (reusable: a Python type as a JSON schema and a validator through pydantic),
``request`` (the ``schema``/``repair`` request fields), ``prompt`` (JSON mode by prompt, where a
server cannot constrain), ``concise`` (the CLI's ``'name str, age int'`` syntax), ``partial``
(partial objects of a stream), ``layer`` and ``plugin`` (validation and repair, the
``llm_core.structured`` wrapper). ``specs/structured-output.md`` has the per-provider mapping.
"""

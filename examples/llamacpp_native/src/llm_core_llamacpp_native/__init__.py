"""llm-core provider ``llamacpp`` for llama.cpp server's native API (an example plugin)."""

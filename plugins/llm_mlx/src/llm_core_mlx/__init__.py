"""MLX (mlx-vlm) provider plugin for llm-core."""

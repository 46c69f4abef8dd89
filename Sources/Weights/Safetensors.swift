// Safetensors: filled in next.

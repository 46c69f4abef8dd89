// TextEncoder: under construction (replaced as the encoder lands).

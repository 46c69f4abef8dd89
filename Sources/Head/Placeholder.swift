// Head: under construction.

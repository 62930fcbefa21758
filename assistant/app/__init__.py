"""Front-ends over the ``Assistant``: the command line (``cli``) and the Gradio web chat (``web``)."""

"""Development tools shared by tests/ and bench/: starting the product's processes, and a stand-in
for Rasa (fake_rasa.py).

Not part of the product: api/, policy_kb/, actions/ and bot/ never import it
(tests/test_layers.py), and no image ships it.
"""

"""Lets `python3 -m pytest` find `baton_client` from any working directory, without installing it."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

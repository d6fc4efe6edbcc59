"""The SQL repositories, one module per aggregate; the unit of work (storage/unit_of_work.py) holds them."""

"""Experience experts (VOL-12): their consent to act as an expert, its scope and withdrawal."""

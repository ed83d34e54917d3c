"""python -m training [flags of training/train_guide.py]: fine-tune the museum guide."""
import sys

from training.train_guide import main

if __name__ == "__main__":
    sys.exit(main())

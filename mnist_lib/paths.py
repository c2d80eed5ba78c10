"""Where the course's folders are: found from the project folder, not from where you run."""
import os

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the project folder
DATA_DIR = os.path.join(HERE, 'data')    # the notes' './data/'
MODEL_DIR = os.path.join(HERE, 'model')  # the notes' './model/'
PIC_DIR = os.path.join(HERE, 'pic')      # the notes' sample pictures

"""Our own library behind the course scripts: what the notes do not have, one module per thing.

    paths       where data/, model/ and pic/ are, found from the project folder
    errors      how a user's mistake is said: one line
    files       writing files whole or not at all; is a folder writable
    download    copying a file from a folder or URL, with a short connect time-out
    cli         the scripts' entry point: flags, one-line errors, session options
    quiet       keeps TensorFlow's start-up log lines off a plain run
    training    the plumbing around the notes' training loop: resume, stop, progress, queues
    evaluation  accuracy over a data set, and the moving-average (EMA) forward pass
    watcher     the test scripts' loop: evaluate each new checkpoint once
    picture     a picture file -> the networks' 28x28 input (MNIST's normalisation)
    model       a trained model restored once, for the app
    digits      the digit finder of --number: a one-row number's digits, left to right
    marks       connected marks and ruled lines on a binary picture (the finder's tools)
    recognise   reading a picture: the one function behind the app's modes
    report      --report: the per-digit table, confusion.png and mistakes.png
    precision   --mixed_precision: TensorFlow's mixed-precision graph rewrite

Nothing here runs at import.
"""

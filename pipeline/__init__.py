"""newsbeam's pipeline: options, composition of the transforms, and the command line."""

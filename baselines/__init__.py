"""Learning agents and classic policies that train and act against loopgym environments."""

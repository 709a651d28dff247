import AntqCLI

AntqCommand.main()

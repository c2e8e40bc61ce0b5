from propintel.cli import main

main()

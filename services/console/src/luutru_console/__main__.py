from luutru_console.cli import main

main()

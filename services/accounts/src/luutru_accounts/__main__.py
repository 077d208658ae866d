from luutru_accounts.cli import main

main()

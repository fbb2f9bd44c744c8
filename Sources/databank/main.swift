import DataBankServer

try await DataBankCLI.main()

// KalypsoKit: the service layer between the console and the outside world.
//
// Folders by concept: Config (kalypso-config.json, network profiles), Keys (key sources, keystores),
// Contracts (the bundled ABIs of both generations, revert decoding), Transactions (the one write
// pipeline and its journal), and later Operator, Enclave, Onboarding and Sync. It knows nothing of curses.

SELECT client_id FROM oauth_clients WHERE name = $name

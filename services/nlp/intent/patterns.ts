// Keyword/phrase cues per language and intent cue type. Entries are regex fragments, matched on
// lower-cased text, anchored at a word start and matched as prefixes (so "vergogn" covers
// vergogna/vergognoso); a trailing "~" demands a word end; a space matches any whitespace.
// Kept as data so brand teams can review them and tests can cover every (language, class).

export type CueType = 'tech' | 'order' | 'pre' | 'preWeak' | 'complaint' | 'praise' | 'qstart' | 'spam';
export type CueTable = Record<CueType, string[]>;

export const CUES: Record<string, CueTable> = {
  en: {
    tech: ["doesn'?t work", 'does not work', 'not working', 'stopped working', "won'?t (load|open|start|connect|work|update)", "can'?t (log|sign|connect|access|open|update|login)", 'crash', 'bug~', 'bugs~', 'error', 'glitch', 'freez', 'keeps (crashing|freezing|closing|restarting|logging)', 'no signal', 'outage', 'down again', 'not loading', 'black screen', 'reset my password', 'app is down', 'site is down', 'no internet', 'no connection'],
    order: ['my order', 'order #', 'order number', 'ordered', 'delivery', 'shipping', 'shipment', 'shipped', 'tracking', 'package', 'parcel', 'refund', 'return label', 'invoice', 'billing', 'billed', 'charged', 'payment', 'subscription', 'courier', "(hasn'?t|has not|never|still not|not yet) (arrived|been delivered|shipped)", 'still waiting for my'],
    pre: ['how much (is|does|are|do)', 'price of', 'where can i (buy|get|find)', 'in stock', 'available in', 'do you (ship|deliver) to', '(is|are) (it|they|this|these) (still )?available', 'when (will|is|does) .{0,30}(available|released|launch|out|in stores)', 'what sizes?~', 'which (size|model|version|one) should', 'thinking (about|of) (buying|getting)', 'want to buy', 'planning to buy', 'compatible with', 'does it come in', 'worth (buying|it)', 'restock', 'any discount'],
    preWeak: ['price', 'cost', 'size', 'colou?r', 'model', 'stock', 'discount', 'sale~', 'buy'],
    complaint: ['worst', 'terrible', 'awful', 'horrible', 'disgust', 'unacceptable', 'ridiculous', 'shame on', 'never again', 'rip ?-?off', 'scam', 'waste of', 'disappoint', 'fed up', 'sick of', 'rude', 'useless', 'pathetic', 'joke~', 'complain', 'poor (service|quality)', '(nobody|no one|no-one) (answers|replies|responds|helps)', 'still no (answer|reply|response)', 'unbelievable'],
    praise: ['love', 'loving', 'thank', 'thx~', 'amazing', 'awesome', 'great', 'excellent', 'fantastic', 'perfect', 'best', 'well done', 'kudos', 'brilliant', 'wonderful', 'beautiful', 'favou?rite', 'impressed', 'recommend', 'good job', 'keep it up', 'delicious', 'lovely'],
    qstart: ['(what|how|why|when|where|who|which|can|could|do|does|did|is|are|will|would|should|has|have|anyone|anybody)~'],
    spam: ['follow (me|back|us)', 'check (out )?my (profile|page|channel|bio|link)', 'click (the |this |my )?link', 'link in (my )?bio', 'dm me', 'free (followers|money|gift|iphone|likes)', 'earn \\$?\\d', 'make money', 'work from home', 'giveaway', 'promo code', 'visit my', 'subscribe to my', 'win an? ', 'passive income', 'investment'],
  },
  it: {
    tech: ['non funziona', 'non va~', 'non parte', 'non si apre', 'non carica', 'non riesco (a|ad) (accedere|entrare|collegar|connett|fare il login|aggiornare|aprire)', 'si blocca', 'bloccat', 'crash', 'errore', 'bug~', 'problema (con l.app|tecnico|di connessione|con il sito)', 'disservizio', 'impallat', 'non si connette', 'schermo nero', 'si riavvia', 'senza (linea|rete|connessione|segnale)', 'linea (assente|down)', 'password'],
    order: ['ordine', 'ho ordinato', 'spedizione', 'spedito', 'consegna', 'consegnato', 'corriere', 'pacco', 'tracking', 'rimborso', 'reso~', 'fattura', 'addebit', 'pagamento', 'abbonamento', 'bolletta', 'non (è |e |mi è )?(ancora )?arrivat', 'ancora (nulla|niente)'],
    pre: ['quanto cost', 'prezzo d', 'dove (posso|si può|si puo) (comprare|acquistare|trovare)', 'disponibil', 'in magazzino', 'spedite (in|a|anche)', '(che|quale) taglia', 'quale modello', 'vorrei (comprare|acquistare|prendere)', 'sto pensando di (comprare|acquistare|prendere)', '(è|e) compatibile', 'quando (esce|uscirà|sarà disponibile|arriva nei negozi)', 'ci sono sconti', 'codice sconto', 'vale la pena'],
    preWeak: ['prezzo', 'costo', 'taglia', 'colore', 'modello', 'sconto', 'saldi', 'comprare', 'acquistare'],
    complaint: ['vergogn', 'pessim', 'schif', 'indecente', 'inaccettabile', 'ridicol', 'mai più', 'mai piu', 'truff', 'delus', 'deludent', 'incompetent', 'scandal', 'assurd', 'vi sembra normale', 'nessuno risponde', 'nessuna risposta', 'servizio clienti (pessimo|inesistente)', 'reclamo', 'stufo', 'stufa', 'basta~', 'una presa in giro'],
    praise: ['grazie', 'bravissim', 'bravi', 'complimenti', 'ottim', 'fantastic', 'stupend', 'bellissim', 'perfett', 'adoro', 'amo~', 'meraviglios', 'eccellente', 'consiglio', 'il migliore', 'i migliori', 'gentilissim', 'buonissim', 'top~'],
    qstart: ['(come|perché|perche|quando|dove|chi|quale|quali|cosa|che cosa|quanto|quanti|posso|potete|si può|è possibile|avete|c.è|ci sono|sapete)~'],
    spam: ['seguimi', 'seguitemi', 'segui il mio', 'guarda il mio (profilo|canale)', 'clicca (qui|sul link)', 'link in bio', 'guadagna', 'lavoro da casa', 'scrivimi in privato', 'soldi facili', 'vinci~', 'regalo gratis', 'investimento'],
  },
  es: {
    tech: ['no (me )?funciona', 'no anda', 'no carga', 'no abre', 'no (me )?deja (entrar|acceder)', 'no puedo (entrar|acceder|iniciar sesión|iniciar sesion|conectar|actualizar)', 'se cuelga', 'se bloquea', 'se cierra', 'error', 'fallo', 'falla~', 'bug~', 'caída', 'sin (señal|conexión|conexion|internet|servicio)', 'pantalla negra', 'se reinicia', 'contraseña'],
    order: ['pedido', 'mi orden', 'envío', 'envio', 'enviado', 'entrega', 'entregado', 'paquete', 'seguimiento', 'repartidor', 'reembolso', 'devoluci', 'factura', 'cobr', 'cargo~', 'suscripci', 'no (me )?(ha )?llegado', 'no llega'],
    pre: ['cu[aá]nto (cuesta|vale|sale)', 'precio de', 'd[oó]nde (puedo )?(compr|consegu)', 'disponible', 'hay stock', 'en stock', 'env[ií]an a', 'hacen env[ií]os', 'qu[eé] (talla|modelo)', 'quiero comprar', 'pienso comprar', 'estoy pensando en comprar', 'es compatible', 'cu[aá]ndo sale', 'vale la pena', 'tienen descuento'],
    preWeak: ['precio', 'talla', 'color', 'modelo', 'oferta', 'comprar', 'descuento'],
    complaint: ['vergüenza', 'verguenza', 'pésim', 'pesim', 'horrible', 'asco', 'un desastre', 'inaceptable', 'ridícul', 'nunca más', 'nunca mas', 'estaf', 'decepci', 'lamentable', 'indignad', 'harto', 'harta', 'nadie (responde|contesta)', 'sin respuesta', 'mal servicio', 'reclamaci', 'queja', 'tomadura de pelo', 'vergonzos'],
    praise: ['gracias', 'me encanta', 'encanta', 'genial', 'excelente', 'incre[ií]ble', 'maravillos', 'perfect', 'buen[ií]sim', 'felicidades', 'enhorabuena', 'los amo', 'lo amo', 'recomiendo', 'el mejor', 'los mejores', 'fant[aá]stic', 'qu[eé] bueno', 'riquísim'],
    qstart: ['(qué|cómo|por qué|cuándo|dónde|quién|cuál|cuánto|puedo|pueden|se puede|tienen|alguien sabe)~'],
    spam: ['s[ií]gueme', 's[ií]guenos', 'mira mi (perfil|canal)', 'link en (mi )?bio', 'haz clic', 'gana dinero', 'ganar dinero', 'trabajo desde casa', 'dinero f[aá]cil', 'escr[ií]beme al privado', 'inversi[oó]n'],
  },
  fr: {
    tech: ['ne (marche|fonctionne) (pas|plus)', 'marche pas', 'marche plus', 'fonctionne pas', 'bug', 'beug', 'plant', 'erreur', 'en panne', 'impossible de (me )?(connecter|acc[ée]der|ouvrir|t[ée]l[ée]charger|mettre à jour)', 'pas de (réseau|reseau|connexion|signal)', 'mot de passe', 'écran noir', 'redémarre'],
    order: ['commande', 'livraison', 'livré', 'livreur', 'colis', 'suivi', 'rembours', 'retour~', 'factur', 'prélèvement', 'prélevé', 'débité', 'paiement', 'abonnement', 'toujours pas (reçu|arrivé|livré)', 'pas (encore )?reçu'],
    pre: ['combien (co[uû]te|ça co[uû]te|ca co[uû]te)', 'quel (est le )?prix', 'prix d', 'o[uù] (peut-on|puis-je|acheter|trouver)', 'disponible', 'en stock', 'livrez-vous', 'vous livrez', 'quelle taille', 'quel modèle', 'je voudrais (acheter|commander)', 'je compte acheter', "j'h[ée]site", 'compatible', 'quand sort', 'code promo', 'vaut le coup'],
    preWeak: ['prix', 'taille', 'couleur', 'modèle', 'promo', 'acheter'],
    complaint: ['honte', 'nul~', 'nulle', 'lamentable', 'inadmissible', 'inacceptable', 'scandal', 'arnaque', 'plus jamais', 'déçu', 'decu~', 'décevant', 'ridicule', 'marre', 'ras le bol', 'pire', 'personne ne répond', 'aucune réponse', 'toujours pas de réponse', 'réclamation', 'pitoyable', 'foutez'],
    praise: ['merci', 'génial', 'genial', 'excellent', 'parfait', 'bravo', "j'adore", 'adore', 'magnifique', 'formidable', 'félicitations', 'le meilleur', 'je recommande', 'trop bien', 'incroyable', 'au top', 'top~', 'super~', 'délicieu'],
    qstart: ['(comment|pourquoi|quand|où|qui|quel|quelle|quels|quelles|est-ce que|est ce que|pouvez-vous|puis-je|y a-t-il|avez-vous)~'],
    spam: ['suivez-moi', 'abonnez-vous', 'follow moi', 'regardez mon', 'lien en bio', 'cliquez', "gagner de l'argent", 'argent facile', 'travail à domicile', 'investissement'],
  },
  de: {
    tech: ['funktioniert .{0,30}nicht', 'geht .{0,20}nicht', 'stürzt .{0,15}ab', 'absturz', 'fehler', 'bug~', 'störung', 'kein (netz|empfang|internet|signal)', 'keine verbindung', 'kann mich nicht (einloggen|anmelden)', 'passwort', 'lädt nicht', 'hängt sich auf', 'schwarzer bildschirm', 'ausfall'],
    order: ['bestellung', 'bestellt', 'lieferung', 'geliefert', 'versand', 'versendet', 'paket', 'sendungsverfolgung', 'tracking', 'rückerstattung', 'erstattung', 'rücksendung', 'retoure', 'rechnung', 'abgebucht', 'abbuchung', 'zahlung', 'abo~', 'abonnement', 'kündig', '(noch nicht|immer noch nicht|nie) (da|angekommen|geliefert)'],
    pre: ['wie ?viel kostet', 'was kostet', 'preis f', 'wo (kann|könnte) (man|ich) .{0,25}(kaufen|bestellen)', 'wo gibt es', 'verfügbar', 'lieferbar', 'auf lager', 'liefert ihr', 'versendet ihr', 'welche größe', 'welches modell', 'ich möchte .{0,25}(kaufen|bestellen)', 'überlege .{0,25}kaufen', 'kompatibel', 'wann (kommt|erscheint)', 'gibt es rabatt', 'gutschein', 'lohnt sich'],
    preWeak: ['preis', 'größe', 'farbe', 'modell', 'angebot', 'kaufen', 'rabatt'],
    complaint: ['schande', 'frechheit', 'unverschämt', 'katastroph', 'unmöglich', 'inakzeptabel', 'lächerlich', 'nie wieder', 'betrug', 'abzocke', 'enttäusch', 'schlechtest', 'miserabel', 'mies', 'sauer', 'reicht mir', 'niemand antwortet', 'keine antwort', 'beschwerde', 'armselig', 'peinlich', 'scheiß', 'scheiss'],
    praise: ['danke', 'toll', 'klasse', 'genial', 'großartig', 'grossartig', 'perfekt', 'ich liebe', 'liebe euch', 'spitze', 'hervorragend', 'ausgezeichnet', 'empfehle', 'der beste', 'die beste', 'weiter so', 'wunderbar', 'lecker', 'super~', 'top~'],
    qstart: ['(wie|warum|wieso|weshalb|wann|wo|wer|was|welche|welcher|welches|kann|können|könnt|gibt es|habt ihr)~'],
    spam: ['folgt mir', 'folge mir', 'schaut (auf |euch )?mein', 'link in (der )?bio', 'klick', 'geld verdienen', 'von zu hause', 'gewinnspiel', 'investition'],
  },
  pt: {
    tech: ['n[ãa]o (est[áa] )?funciona', 'parou de funcionar', 'n[ãa]o abre', 'n[ãa]o carrega', 'trava', 'travou', 'erro~', 'bug~', 'falha', 'sem (sinal|internet|conex[ãa]o|rede)', 'n[ãa]o consigo (entrar|acessar|logar|conectar|atualizar)', 'senha', 'tela preta', 'fora do ar'],
    order: ['pedido', 'encomenda', 'entrega~', 'entregue', 'entregador', 'envio', 'enviado', 'frete', 'rastreio', 'rastreamento', 'pacote', 'reembolso', 'estorno', 'devolu[çc]', 'fatura', 'boleto', 'cobran', 'cobrad', 'pagamento', 'assinatura', 'n[ãa]o chegou', 'ainda n[ãa]o recebi'],
    pre: ['quanto custa', 'qual (é )?o pre[çc]o', 'qual (é )?o valor', 'pre[çc]o d', 'onde (posso )?compr', 'dispon[ií]vel', 'em estoque', 'entregam em', '(qual|que) tamanho', 'qual modelo', 'quero comprar', 'pensando em comprar', '(é|e) compat[ií]vel', 'quando (vai )?lan[çc]a', 'cupom', 'vale a pena'],
    preWeak: ['pre[çc]o', 'tamanho', 'cor~', 'modelo', 'promo[çc]', 'comprar', 'desconto'],
    complaint: ['vergonha', 'péssim', 'pessim', 'horr[ií]vel', 'lixo', 'absurdo', 'rid[ií]cul', 'nunca mais', 'golpe', 'engana', 'decepcion', 'decep[çc][ãa]o', 'desrespeito', 'palha[çc]ada', 'ningu[ée]m responde', 'sem resposta', 'atendimento (péssimo|pessimo|horr[ií]vel|ruim)', 'reclama', 'cansad', 'descaso'],
    praise: ['obrigad', 'amei', 'amo~', 'adoro', 'maravilhos', 'perfeit', 'excelente', '[óo]tim', 'incr[ií]vel', 'parab[ée]ns', 'sensacional', 'recomendo', 'o melhor', 'os melhores', 'lindo', 'delicios', 'top~'],
    qstart: ['(como|por ?que|quando|onde|quem|qual|quais|o que|quanto|posso|podem|voc[êe]s t[êe]m|tem como|existe)~'],
    spam: ['me segue', 'sigam', 'segue de volta', 'veja meu (perfil|canal)', 'link na bio', 'clique', 'ganhe dinheiro', 'ganhar dinheiro', 'renda extra', 'trabalhe em casa', 'investimento'],
  },
};

/** Language-independent cues (brands, scams and links look the same in every language). */
export const COMMON_SPAM_STRONG = ['bit\\.ly', 't\\.me/', 'wa\\.me/', 'onlyfans', 'crypto', 'cripto', 'krypto', 'bitcoin', 'btc~', 'usdt', 'airdrop', 'forex', 'xxx~'];
